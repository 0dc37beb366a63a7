namespace Workflows;

/// <summary>A workflow registered in the container, built when the engine is created.</summary>
internal sealed record WorkflowRegistration(string Name, Func<IServiceProvider, Workflow> Factory);
