using Microsoft.Extensions.AI;

namespace Workflows;

/// <summary>A provider registered in the container under a name; its instance is created on first need.</summary>
internal sealed record ProviderRegistration(string Name, Type? ImplementationType, Func<IServiceProvider, IChatClient> Factory, string? DefaultModel);
