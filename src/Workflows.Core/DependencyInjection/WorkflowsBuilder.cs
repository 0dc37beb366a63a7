namespace Microsoft.Extensions.DependencyInjection;

internal sealed record WorkflowsBuilder(IServiceCollection Services) : IWorkflowsBuilder;
