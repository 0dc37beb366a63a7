using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Registration;

public sealed class WorkflowsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddGenAiWorkflows_CalledTwice_RegistersEngineOnce()
    {
        var services = new ServiceCollection();

        services.AddGenAiWorkflows();
        services.AddGenAiWorkflows(static wf => wf.AddMockProvider());

        Assert.Single(services, static d => d.ServiceType == typeof(IWorkflowEngine));
        Assert.Single(services, static d => d.ServiceType == typeof(WorkflowEngine));
        Assert.Single(services, static d => d.ServiceType == typeof(ProviderRegistry));
        Assert.Single(services, static d => d.ImplementationType == typeof(WorkflowsHostedService));
        Assert.Single(services, static d => d.ImplementationType == typeof(GenAiWorkflowOptionsValidator));
        using var provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<WorkflowEngine>(), provider.GetRequiredService<IWorkflowEngine>());
    }

    [Fact]
    public async Task AddGenAiWorkflows_WithoutConfiguration_UsesDefaults()
    {
        using var test = TestHost.Create();
        test.Services(static s => s.AddGenAiWorkflows());
        using var host = test.Build();
        await host.StartAsync().WaitAsync(TestHost.Timeout);

        var options = host.Services.GetRequiredService<IOptions<GenAiWorkflowOptions>>().Value;

        Assert.Equal("mock", options.DefaultProvider);
        Assert.Equal("gpt-4o-mini", options.DefaultModel);
        Assert.Equal(0.7, options.Temperature);
        Assert.Equal(1024, options.MaxTokens);
        Assert.Equal(300, options.TimeoutSeconds);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Information, options.LogLevel);
        Assert.False(options.CaptureMessageContent);
        await host.StopAsync().WaitAsync(TestHost.Timeout);
    }

    [Fact]
    public async Task AddProvider_OfT_IsCreatedByContainerWithDependencies()
    {
        var services = new ServiceCollection()
            .AddSingleton(new GreetingSource { Greeting = "hi" })
            .AddGenAiWorkflows(static wf => wf
                .AddProvider<ProviderWithDependency>("custom")
                .AddWorkflow("ask", static w => w.AddLlmStep("q", "question", provider: "custom")));
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IWorkflowEngine>();

        var result = await engine.ExecuteAsync("ask").WaitAsync(TestHost.Timeout);

        Assert.Equal("hi: question", result.Output);
        Assert.Equal("custom", result.Steps[0].Provider);
        var registry = provider.GetRequiredService<ProviderRegistry>();
        Assert.IsType<ProviderWithDependency>(registry.Get("CUSTOM"));
        Assert.Equal(["mock", "custom"], registry.Names);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void AddProvider_EmptyName_ThrowsRegistrationException(string name)
    {
        var builder = new ServiceCollection().AddGenAiWorkflows();

        Assert.Throws<PluginRegistrationException>(() => builder.AddProvider<CountingProvider>(name));
        Assert.Throws<PluginRegistrationException>(() => builder.AddProvider(name, static _ => new CountingProvider()));
    }

    [Fact]
    public void AddProvider_DuplicateName_ThrowsRegistrationException()
    {
        var builder = new ServiceCollection().AddGenAiWorkflows().AddProvider<CountingProvider>("p");

        var ex = Assert.Throws<PluginRegistrationException>(() => builder.AddProvider("P", static _ => new CountingProvider()));

        Assert.Contains(typeof(CountingProvider).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Throws<PluginRegistrationException>(() => builder.AddMockProvider().AddMockProvider());
    }

    [Fact]
    public void AddProvider_AbstractType_ThrowsRegistrationException()
    {
        Assert.Throws<PluginRegistrationException>(() => new ServiceCollection().AddGenAiWorkflows().AddProvider<TestChatClient>("abstract"));
    }

    [Fact]
    public async Task AddProvider_DependencyNotRegistered_HostStartNamesProvider()
    {
        using var test = TestHost.Create();
        test.Services(static s => s.AddGenAiWorkflows(static wf => wf.AddProvider<ProviderWithDependency>("needy")));
        using var host = test.Build();

        var ex = await Assert.ThrowsAsync<PluginRegistrationException>(() => host.StartAsync().WaitAsync(TestHost.Timeout));

        Assert.Equal("needy", ex.PluginName);
        Assert.Contains(typeof(ProviderWithDependency).FullName!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMockProvider_Configured_ReplacesBuiltInMock()
    {
        await using var provider = new ServiceCollection()
            .AddGenAiWorkflows(static wf => wf
                .AddMockProvider(static m => m.WithPatternResponse("^Name a (.+)$", "A $1 named Bob"))
                .AddWorkflow("naming", static w => w.AddLlmStep("name", "Name a {animal}")))
            .BuildServiceProvider();

        var result = await provider.GetRequiredService<IWorkflowEngine>()
            .ExecuteAsync("naming", new Dictionary<string, object?> { ["animal"] = "otter" }).WaitAsync(TestHost.Timeout);

        Assert.Equal("A otter named Bob", result.Output);
        Assert.Equal(["mock"], provider.GetRequiredService<ProviderRegistry>().Names);
    }

    [Fact]
    public async Task AddStep_ScopedDependency_SameWithinRunDifferentAcrossRuns()
    {
        using var test = TestHost.Create();
        test.Services(static s => s
            .AddScoped<RunScopedService>()
            .AddGenAiWorkflows(static wf => wf
                .AddStep<ScopedServiceStep>()
                .AddWorkflow("scoped", static w => w.AddStep<ScopedServiceStep>("first").AddStep<ScopedServiceStep>("second"))));
        test.Builder.Environment.EnvironmentName = Environments.Development; // scope validation on
        using var host = test.Build();
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();

        var one = await engine.ExecuteAsync("scoped").WaitAsync(TestHost.Timeout);
        var two = await engine.ExecuteAsync("scoped").WaitAsync(TestHost.Timeout);

        Assert.Equal(WorkflowStatus.Completed, one.Status);
        Assert.Equal(one.GetStep("first")!.Output, one.GetStep("second")!.Output);
        Assert.Equal(two.GetStep("first")!.Output, two.GetStep("second")!.Output);
        Assert.NotEqual(one.Output, two.Output);
        Assert.Equal("ScopedServiceStep", one.Steps[0].StepType);
    }

    [Fact]
    public async Task AddStep_ConcurrentRuns_EachGetsItsOwnScope()
    {
        await using var provider = new ServiceCollection()
            .AddScoped<RunScopedService>()
            .AddGenAiWorkflows(static wf => wf
                .AddStep<ScopedServiceStep>()
                .AddWorkflow("scoped", static w => w.AddStep<ScopedServiceStep>("first").AddStep<ScopedServiceStep>("second")))
            .BuildServiceProvider();
        var engine = provider.GetRequiredService<IWorkflowEngine>();

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => engine.ExecuteAsync("scoped"))))
            .WaitAsync(TestHost.Timeout);

        Assert.All(results, static r => Assert.Equal(r.GetStep("first")!.Output, r.GetStep("second")!.Output));
        Assert.Equal(40, results.Select(static r => r.Output).Distinct().Count());
    }

    [Fact]
    public async Task AddStep_StepThrows_ErrorAttributedToPluginType()
    {
        await using var provider = new ServiceCollection()
            .AddGenAiWorkflows(static wf => wf
                .AddStep<FailingServiceStep>()
                .AddWorkflow("wf", static w => w.AddTransformStep("before", static _ => 1).AddStep<FailingServiceStep>("plugin")))
            .BuildServiceProvider();

        var result = await provider.GetRequiredService<IWorkflowEngine>().ExecuteAsync("wf").WaitAsync(TestHost.Timeout);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        var error = result.Error!;
        Assert.Equal("plugin", error.StepName);
        Assert.Equal(nameof(FailingServiceStep), error.StepType);
        Assert.Equal(typeof(InvalidOperationException).FullName, error.ExceptionType);
        Assert.Equal(typeof(FailingServiceStep).FullName, error.PluginType);
        Assert.Equal("Workflows.Hosting.Tests", error.PluginAssembly);
    }

    [Fact]
    public async Task AddStep_TypeNotRegistered_FailsTellingHowToRegister()
    {
        await using var provider = new ServiceCollection()
            .AddGenAiWorkflows(static wf => wf.AddWorkflow("wf", static w => w.AddStep<FailingServiceStep>()))
            .BuildServiceProvider();

        var result = await provider.GetRequiredService<IWorkflowEngine>().ExecuteAsync("wf").WaitAsync(TestHost.Timeout);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(typeof(PluginNotFoundException).FullName, result.Error!.ExceptionType);
        Assert.Contains("AddStep<FailingServiceStep>()", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(FailingServiceStep).FullName, result.Error.PluginType);
    }

    [Fact]
    public async Task AddStep_ConstructorDependencyMissing_FailsNamingStepType()
    {
        await using var provider = new ServiceCollection()
            .AddGenAiWorkflows(static wf => wf
                .AddStep<NeedsMissingServiceStep>()
                .AddWorkflow("wf", static w => w.AddStep<NeedsMissingServiceStep>("needy")))
            .BuildServiceProvider();

        var result = await provider.GetRequiredService<IWorkflowEngine>().ExecuteAsync("wf").WaitAsync(TestHost.Timeout);

        Assert.Equal(WorkflowStatus.Failed, result.Status);
        Assert.Equal(typeof(PluginException).FullName, result.Error!.ExceptionType);
        Assert.Contains(typeof(NeedsMissingServiceStep).FullName!, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddWorkflow_RunByName_UnknownNameListsRegistered()
    {
        await using var provider = new ServiceCollection()
            .AddGenAiWorkflows(static wf => wf
                .AddWorkflow("summarize", static w => w.AddTransformStep("s", static _ => "summary"))
                .AddWorkflow(Workflow.Create("classify").AddTransformStep("c", static _ => "class").Build()))
            .BuildServiceProvider();
        var engine = provider.GetRequiredService<IWorkflowEngine>();

        Assert.Equal("summary", (await engine.ExecuteAsync("summarize").WaitAsync(TestHost.Timeout)).Output);
        Assert.Equal("class", engine.Execute("classify").Output);
        var ex = await Assert.ThrowsAsync<WorkflowException>(() => engine.ExecuteAsync("translate"));
        Assert.Contains("classify, summarize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddWorkflow_InvalidDefinition_ReportedWhenEngineIsCreated()
    {
        await using var provider = new ServiceCollection()
            .AddGenAiWorkflows(static wf => wf.AddWorkflow("empty", static _ => { }))
            .BuildServiceProvider();

        var ex = Assert.Throws<WorkflowException>(() => provider.GetRequiredService<IWorkflowEngine>());

        Assert.Equal("empty", ex.WorkflowName);
    }

    [Fact]
    public async Task AddWorkflow_SameNameTwice_ReportedWhenEngineIsCreated()
    {
        await using var provider = new ServiceCollection()
            .AddGenAiWorkflows(static wf => wf
                .AddWorkflow("wf", static w => w.AddTransformStep("a", static _ => 1))
                .AddWorkflow("WF", static w => w.AddTransformStep("a", static _ => 1)))
            .BuildServiceProvider();

        Assert.Throws<WorkflowException>(() => provider.GetRequiredService<IWorkflowEngine>());
    }

    [Fact]
    public void AddGenAiWorkflows_NullServicesOrConfigure_Throws()
    {
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => WorkflowsServiceCollectionExtensions.AddGenAiWorkflows(null!)).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddGenAiWorkflows(configure: null!)).ParamName);
    }

    [Fact]
    public async Task AddGenAiWorkflows_OnAnEmptyCollection_RegistersLoggingMetricsSystemTimeAndTheLifecycleService()
    {
        await using var provider = new ServiceCollection().AddGenAiWorkflows(static _ => { }).BuildServiceProvider();

        Assert.NotNull(provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>());
        Assert.NotNull(provider.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        Assert.Same(TimeProvider.System, provider.GetService<TimeProvider>());
        Assert.IsType<WorkflowsHostedService>(Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Equal(["mock"], provider.GetRequiredService<ProviderRegistry>().Names);
    }

    [Fact]
    public async Task AddGenAiWorkflows_TimeProviderRegisteredBefore_KeepsIt()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var provider = new ServiceCollection().AddSingleton<TimeProvider>(time).AddGenAiWorkflows(static _ => { }).BuildServiceProvider();

        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task AddGenAiWorkflows_CalledTwice_BindsConfiguredWorkflowsOnce()
    {
        using var test = TestHost.Create();
        test.Configure(
            ("GenAiWorkflows:Workflows:article:Steps:0:Name", "outline"),
            ("GenAiWorkflows:Workflows:article:Steps:0:Prompt", "Outline {topic}"));
        test.Services(static s =>
        {
            s.AddGenAiWorkflows();
            s.AddGenAiWorkflows();
        });
        using var host = test.Build();
        await host.StartAsync().WaitAsync(TestHost.Timeout);

        var result = await host.Services.GetRequiredService<IWorkflowEngine>()
            .ExecuteAsync("article", new Dictionary<string, object?> { ["topic"] = "otters" }).WaitAsync(TestHost.Timeout);

        Assert.Equal(WorkflowStatus.Completed, result.Status);
        Assert.Equal(["outline"], result.Steps.Select(static s => s.StepName));
        await host.StopAsync().WaitAsync(TestHost.Timeout);
    }
}
