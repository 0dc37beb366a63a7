namespace Workflows.Hosting;

/// <summary>Marks a service collection in which the library's core services are already registered.</summary>
internal sealed class WorkflowsMarker;
