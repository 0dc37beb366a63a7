using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Tests.Edges;

/// <summary>The container registrations of <see cref="WorkflowsBuilderExtensions"/>: their argument checks and the safety switches.</summary>
public sealed class WorkflowsBuilderExtensionsEdgeTests
{
    [Fact]
    public void SafetyExtensions_TurnTheirGuardrailOnAndApplyTheCallersSettings()
    {
        var services = new ServiceCollection();
        new Builder(services)
            .UsePiiRedaction(static o => o.Action = PiiGuardAction.Block)
            .UsePromptInjectionGuard(static o => o.Action = PromptInjectionGuardAction.Warn)
            .UseInputValidation(static o => o.MaxInputLength = 42);

        using var provider = services.BuildServiceProvider();
        var safety = provider.GetRequiredService<IOptions<SafetyOptions>>().Value;

        Assert.True(safety.Pii.Enabled);
        Assert.Equal(PiiGuardAction.Block, safety.Pii.Action);
        Assert.True(safety.PromptInjection.Enabled);
        Assert.Equal(PromptInjectionGuardAction.Warn, safety.PromptInjection.Action);
        Assert.True(safety.Inputs.Enabled);
        Assert.Equal(42, safety.Inputs.MaxInputLength);
    }

    [Fact]
    public void SafetyExtensions_WithoutSettings_OnlyTurnTheGuardrailOn()
    {
        var services = new ServiceCollection();
        new Builder(services).UsePromptInjectionGuard().UseInputValidation();

        using var provider = services.BuildServiceProvider();
        var safety = provider.GetRequiredService<IOptions<SafetyOptions>>().Value;

        Assert.False(safety.Pii.Enabled);
        Assert.True(safety.PromptInjection.Enabled);
        Assert.Equal(PromptInjectionGuardAction.Block, safety.PromptInjection.Action);
        Assert.True(safety.Inputs.Enabled);
    }

    [Fact]
    public void NullArguments_ThrowNamingThem()
    {
        IWorkflowsBuilder none = null!;
        var builder = new Builder(new ServiceCollection());

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.AddProvider<MockChatClient>("p")).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.AddProvider("p", static _ => new MockChatClient())).ParamName);
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(
            () => builder.AddProvider("p", (Func<IServiceProvider, IChatClient>)null!)).ParamName);
        Assert.Equal("client", Assert.Throws<ArgumentNullException>(() => builder.AddProvider("p", (IChatClient)null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.AddChatClientProvider("p")).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.AddStep<TransformStepType>()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.AddWorkflow("w", static _ => { })).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.AddWorkflow("w", (Action<WorkflowBuilder>)null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.AddWorkflow(Workflow.Create("w").AddTransformStep("t", static _ => 1).Build())).ParamName);
        Assert.Equal("workflow", Assert.Throws<ArgumentNullException>(() => builder.AddWorkflow((Workflow)null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.UseMiddleware<InputValidationMiddleware>()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.UseMiddleware(new InputValidationMiddleware())).ParamName);
        Assert.Equal("middleware", Assert.Throws<ArgumentNullException>(() => builder.UseMiddleware(null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.UsePiiRedaction()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.UsePromptInjectionGuard()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => none.UseInputValidation()).ParamName);
        Assert.Empty(builder.Services);
    }

    [Fact]
    public void AddStep_SameTypeTwice_RegisteredOnce()
    {
        var services = new ServiceCollection();
        var builder = new Builder(services);

        builder.AddStep<TransformStepType>().AddStep<TransformStepType>();

        Assert.Single(services, static d => d.ServiceType == typeof(TransformStepType));
        Assert.Single(services, static d => d.ImplementationInstance is not null && d.ImplementationInstance.GetType().Name == "StepTypeRegistration");
    }

    private sealed class Builder(IServiceCollection services) : IWorkflowsBuilder
    {
        public IServiceCollection Services => services;
    }

    private sealed class TransformStepType() : WorkflowStep("typed")
    {
        public override ValueTask<object?> ExecuteAsync(StepContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<object?>(1);
    }
}
