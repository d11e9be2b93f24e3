using System.Text.Json;

namespace DecisionLedger.Reporting;

/// <summary>
/// A dotted path into a canonical entry whose value a usage report counts, e.g. <c>output.label</c>
/// (the default) or <c>output.decision</c>. Inputs are not in entries (only their digest), so a
/// path may start with <c>output</c>, <c>explanation</c>, <c>metadata</c>, <c>model</c>,
/// <c>actor</c> or <c>subject</c>.
/// </summary>
public sealed class OutcomeField
{
    /// <summary>The default field, <c>output.label</c>.</summary>
    public const string DefaultPath = "output.label";

    private static readonly string[] s_roots = ["output", "explanation", "metadata", "model", "actor", "subject"];
    private readonly string[] _segments;

    private OutcomeField(string path, string[] segments)
    {
        Path = path;
        _segments = segments;
    }

    /// <summary>The path as given, e.g. <c>output.label</c>.</summary>
    public string Path { get; }

    /// <summary>Parses a dotted path.</summary>
    /// <param name="path">Such as <c>output.label</c>.</param>
    /// <returns>The field.</returns>
    /// <exception cref="FormatException">The path is empty, has an empty segment, or starts anywhere but an entry member that holds values; the message says which.</exception>
    public static OutcomeField Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] segments = path.Split('.');
        if (path.Length == 0 || segments.Any(s => s.Length == 0))
        {
            throw new FormatException($"outcome: '{path}' is not a field path; use dotted member names such as output.label.");
        }

        if (string.Equals(segments[0], "input", StringComparison.Ordinal))
        {
            throw new FormatException($"outcome: '{path}' points into the input, which entries do not hold (they commit to its digest); count an output field such as output.label.");
        }

        if (!s_roots.Contains(segments[0], StringComparer.Ordinal) || segments.Length < 2)
        {
            throw new FormatException($"outcome: '{path}' must start with one of {string.Join(", ", s_roots)} and name a member below it, e.g. output.label.");
        }

        return new OutcomeField(path, segments);
    }

    /// <summary>The field's value in <paramref name="entry"/> as text (strings as they are, other values as compact JSON), or null when absent.</summary>
    /// <param name="entry">The root of a canonical entry.</param>
    public string? Read(JsonElement entry)
    {
        JsonElement current = entry;
        foreach (string segment in _segments)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.String ? current.GetString() : current.GetRawText();
    }
}
