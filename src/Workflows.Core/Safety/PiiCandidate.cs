namespace Workflows;

/// <summary>A finding before overlaps are resolved; a lower priority number wins an overlap.</summary>
internal readonly record struct PiiCandidate(string Type, int Start, int Length, int Priority);
