namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures GenAI Workflows: providers, steps, workflows and middleware. Returned by <c>AddGenAiWorkflows</c>.</summary>
public interface IWorkflowsBuilder
{
    /// <summary>Gets the service collection the library is registered in.</summary>
    IServiceCollection Services { get; }
}
