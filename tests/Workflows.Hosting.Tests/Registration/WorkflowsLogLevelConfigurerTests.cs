using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Tests.TestSupport;

namespace Workflows.Hosting.Tests.Registration;

public sealed class WorkflowsLogLevelConfigurerTests
{
    private static (IHost Host, FakeLogCollector Logs) BuildHost(TestHost test, string? level)
    {
        if (level is not null)
        {
            test.Configure(("GenAiWorkflows:LogLevel", level));
        }

        test.Builder.Logging.AddFakeLogging();
        test.Services(static s => s.AddGenAiWorkflows(static wf => wf.AddWorkflow("wf", static w => w.AddLlmStep("ask", "hi"))));
        var host = test.Build();
        return (host, host.Services.GetRequiredService<FakeLogCollector>());
    }

    /// <summary>A host with <c>GenAiWorkflows:LogLevel</c> at Error and the application's own log filters.</summary>
    private static AppLogging AtErrorWithAppFilters(params (string Category, LogLevel Level)[] filters)
    {
        var test = TestHost.Create();
        test.Configure(("GenAiWorkflows:LogLevel", "Error"));
        test.Services(static s => s.AddGenAiWorkflows());
        var logging = test.Builder.Logging.AddFakeLogging();
        foreach (var (category, level) in filters)
        {
            logging.AddFilter(category, level);
        }

        return new AppLogging(test, test.Build());
    }

    [Fact]
    public async Task LogLevel_Warning_SilencesLibraryInformationOnly()
    {
        using var test = TestHost.Create();
        var (host, logs) = BuildHost(test, "Warning");
        using var _ = host;
        var factory = host.Services.GetRequiredService<ILoggerFactory>();

        await host.Services.GetRequiredService<IWorkflowEngine>().ExecuteAsync("wf").WaitAsync(TestHost.Timeout);

        Assert.False(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Warning));
        Assert.True(factory.CreateLogger("MyApp.Orders").IsEnabled(LogLevel.Information));
        Assert.DoesNotContain(logs.GetSnapshot(), static r => r.Category?.StartsWith("Workflows", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task LogLevel_Debug_EnablesLibraryDebugOnly()
    {
        using var test = TestHost.Create();
        var (host, logs) = BuildHost(test, "Debug");
        using var _ = host;
        var factory = host.Services.GetRequiredService<ILoggerFactory>();

        await host.Services.GetRequiredService<IWorkflowEngine>().ExecuteAsync("wf").WaitAsync(TestHost.Timeout);

        Assert.True(factory.CreateLogger("Workflows.Steps").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("MyApp.Orders").IsEnabled(LogLevel.Debug));
        Assert.Contains(logs.GetSnapshot(), static r => r.Category == "Workflows.Engine" && r.Id.Name == "StepStarted");
    }

    [Fact]
    public async Task LogLevel_Default_LogsRunsAtInformation()
    {
        using var test = TestHost.Create();
        var (host, logs) = BuildHost(test, level: null);
        using var _ = host;

        await host.Services.GetRequiredService<IWorkflowEngine>().ExecuteAsync("wf").WaitAsync(TestHost.Timeout);

        var records = logs.GetSnapshot();
        Assert.Contains(records, static r => r.Id.Name == "RunStatusChanged" && r.Level == LogLevel.Information);
        Assert.DoesNotContain(records, static r => r.Level == LogLevel.Debug);
    }

    [Fact]
    public void LogLevel_SetInCode_IsApplied()
    {
        using var test = TestHost.Create();
        test.Services(static s => s.Configure<GenAiWorkflowOptions>(static o => o.LogLevel = LogLevel.Error));
        var (host, _) = BuildHost(test, level: null);
        using var _ = host;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Engine");

        Assert.False(logger.IsEnabled(LogLevel.Warning));
        Assert.True(logger.IsEnabled(LogLevel.Error));
    }

    [Fact]
    public async Task LogLevel_Invalid_HostBuildsAndStartReportsIt()
    {
        using var test = TestHost.Create();
        var (host, _) = BuildHost(test, "Loud");
        using var _ = host;

        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Timeout));

        Assert.Contains("GenAiWorkflows:LogLevel", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Logging:LogLevel:Workflows.Engine")]
    [InlineData("Logging:LogLevel:Workflows")]
    public void LogLevel_AppConfiguredLoggingLogLevel_AppSettingWins(string appKey)
    {
        using var test = TestHost.Create();
        test.Configure((appKey, "Debug"));
        var (host, _) = BuildHost(test, "Warning");
        using var _ = host;
        var factory = host.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void LogLevel_AppFilterAddedAfterAddGenAiWorkflows_AppFilterWins()
    {
        using var logging = AtErrorWithAppFilters(("Workflows.Steps", LogLevel.Trace));
        var factory = logging.Factory;

        Assert.True(factory.CreateLogger("Workflows.Steps").IsEnabled(LogLevel.Trace));
        Assert.False(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Warning));
    }

    [Theory]
    [InlineData("Workflows.Engine", false)]
    [InlineData("Workflows.Steps", false)]
    [InlineData("Workflows.Middleware", false)]
    [InlineData("Workflows.Providers.OpenAI", false)]
    [InlineData("Workflows.Samples.WebApi.RunEndpoints", true)]
    [InlineData("WorkflowsApp.Orders", true)]
    [InlineData("Workflows", true)]
    public void LogLevel_Warning_AppliesToLibraryCategoriesOnly(string category, bool informationEnabled)
    {
        using var test = TestHost.Create();
        var (host, _) = BuildHost(test, "Warning");
        using var _ = host;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

        Assert.Equal(informationEnabled, logger.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void LogLevel_NotSet_LibraryFollowsAppDefault()
    {
        using var test = TestHost.Create();
        test.Configure(("Logging:LogLevel:Default", "Warning"));
        var (host, _) = BuildHost(test, level: null);
        using var _ = host;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Engine");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void LogLevel_SetInConfigurationToTheDefault_StillOverridesTheAppDefault()
    {
        using var test = TestHost.Create();
        test.Configure(("Logging:LogLevel:Default", "Warning"));
        var (host, _) = BuildHost(test, "Information");
        using var _ = host;
        var factory = host.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Information));
        Assert.False(factory.CreateLogger("MyApp.Orders").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void LogLevel_SetByAConfigureOptionsClass_IsApplied()
    {
        using var test = TestHost.Create();
        test.Services(static s => s.AddSingleton<IConfigureOptions<GenAiWorkflowOptions>>(new ErrorLevel()));
        var (host, _) = BuildHost(test, level: null);
        using var _ = host;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Engine");

        Assert.False(logger.IsEnabled(LogLevel.Warning));
        Assert.True(logger.IsEnabled(LogLevel.Error));
    }

    [Fact]
    public void LogLevel_SetByPostConfigure_WinsOverConfiguration()
    {
        using var test = TestHost.Create();
        test.Services(static s => s.PostConfigure<GenAiWorkflowOptions>(static o => o.LogLevel = LogLevel.Critical));
        var (host, _) = BuildHost(test, "Debug");
        using var _ = host;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Engine");

        Assert.False(logger.IsEnabled(LogLevel.Error));
        Assert.True(logger.IsEnabled(LogLevel.Critical));
    }

    [Theory]
    [InlineData("Workflows.Eng*")]
    [InlineData("*")]
    public void LogLevel_AppWildcardFilterMatchingTheCategory_AppFilterWins(string appCategory)
    {
        using var logging = AtErrorWithAppFilters((appCategory, LogLevel.Debug));

        Assert.True(logging.Factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void LogLevel_AppSuffixFilterForOneCategory_OnlyThatCategoryFollowsTheApp()
    {
        using var logging = AtErrorWithAppFilters(("*.Engine", LogLevel.Debug));
        var factory = logging.Factory;

        Assert.True(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("Workflows.Steps").IsEnabled(LogLevel.Warning));
        Assert.True(factory.CreateLogger("Workflows.Steps").IsEnabled(LogLevel.Error));
        Assert.False(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void LogLevel_AppSuffixFilterForOneProvider_ThatProviderFollowsTheApp()
    {
        using var logging = AtErrorWithAppFilters(("*.OpenAI", LogLevel.Debug));
        var factory = logging.Factory;

        Assert.True(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void LogLevel_AppSuffixFilterBesideABroaderAppFilter_TheAppsOwnRulesDecide()
    {
        using var logging = AtErrorWithAppFilters(("Workflows", LogLevel.Warning), ("*.OpenAI", LogLevel.Debug));
        var factory = logging.Factory;

        // "Workflows" is the longer of the two application rules, so it decides for the provider, as without the library.
        Assert.False(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void LogLevel_AppFilterForOneNamedProvider_OtherProvidersKeepTheLibraryLevel()
    {
        using var logging = AtErrorWithAppFilters(("Workflows.Providers.OpenAI", LogLevel.Debug));
        var factory = logging.Factory;

        Assert.True(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("Workflows.Providers.Ollama").IsEnabled(LogLevel.Warning));
        Assert.True(factory.CreateLogger("Workflows.Providers.Ollama").IsEnabled(LogLevel.Error));
    }

    [Fact]
    public void LogLevel_AppRuleForTheWholeProviderFamily_WinsAlthoughAsLongAsTheLibrarys()
    {
        using var logging = AtErrorWithAppFilters(("Workflows.Providers.*", LogLevel.Debug));
        var factory = logging.Factory;

        Assert.True(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void LogLevel_AppSuffixRuleAsLongAsTheProviderRule_StillWinsForItsProvider()
    {
        // Of two matching rules of equal length the later wins, and the library's rules come after the application's.
        const string rule = "*.LongProviderName123";
        Assert.Equal("Workflows.Providers.*".Length, rule.Length);
        using var logging = AtErrorWithAppFilters((rule, LogLevel.Debug));

        Assert.True(logging.Factory.CreateLogger("Workflows.Providers.LongProviderName123").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void LogLevel_AppSuffixRuleWithAnotherPrefix_LeavesProvidersAtTheLibraryLevel()
    {
        using var logging = AtErrorWithAppFilters(("MyApp*.OpenAI", LogLevel.Debug));
        var factory = logging.Factory;

        Assert.False(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Warning));
        Assert.True(factory.CreateLogger("MyApp.Clients.OpenAI").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void LogLevel_FamilyCoveredByTheAppAndASuffixRule_TheAppsOwnLongerRuleDecides()
    {
        // The library adds rules for its other categories, not for the providers: the suffix rule is not repeated there.
        using var logging = AtErrorWithAppFilters(("Workflows.Providers", LogLevel.Warning), ("*.OpenAI", LogLevel.Debug));
        var factory = logging.Factory;

        Assert.False(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger("Workflows.Providers.OpenAI").IsEnabled(LogLevel.Warning));
        Assert.False(factory.CreateLogger("Workflows.Engine").IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void PostConfigure_NullFilterOptions_Throws()
    {
        var configurer = new WorkflowsLogLevelConfigurer([], []);

        Assert.Equal("filterOptions", Assert.Throws<ArgumentNullException>(() => configurer.PostConfigure(null, null!)).ParamName);
    }

    private sealed class ErrorLevel : IConfigureOptions<GenAiWorkflowOptions>
    {
        public void Configure(GenAiWorkflowOptions options) => options.LogLevel = LogLevel.Error;
    }

    private sealed class AppLogging(TestHost test, IHost host) : IDisposable
    {
        public ILoggerFactory Factory { get; } = host.Services.GetRequiredService<ILoggerFactory>();

        public void Dispose()
        {
            host.Dispose();
            test.Dispose();
        }
    }
}
