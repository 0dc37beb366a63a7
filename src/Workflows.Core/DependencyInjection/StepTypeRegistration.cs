namespace Workflows;

/// <summary>A step type registered with <c>AddStep&lt;T&gt;()</c>, so configuration can name it.</summary>
internal sealed record StepTypeRegistration(Type StepType)
{
    public static Type? Resolve(IEnumerable<StepTypeRegistration> registrations, string name) =>
        registrations.Select(static r => r.StepType).FirstOrDefault(t =>
            string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(t.FullName, name, StringComparison.OrdinalIgnoreCase));
}
