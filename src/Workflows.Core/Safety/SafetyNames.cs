namespace Workflows;

/// <summary>The naming rule shared by PII recognizers and injection patterns.</summary>
internal static class SafetyNames
{
    public static string Validate(string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]) ||
            !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid name: use a letter, then letters, digits, '_' or '-'.", parameterName);
        }

        return name;
    }
}
