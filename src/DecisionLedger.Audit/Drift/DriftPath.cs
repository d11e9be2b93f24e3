using System.Globalization;
using System.Text.Json;

namespace DecisionLedger.Drift;

/// <summary>
/// A dotted path whose values a drift report compares, e.g. <c>output.score</c>, <c>output.label</c> or
/// <c>input.amount</c>. Paths under <c>input</c> read the stored input beside the entry (absent when
/// erased, archived without input, or encrypted per subject); the others read the entry itself.
/// </summary>
public sealed class DriftPath
{
    /// <summary>The paths every drift report compares: the output score and label.</summary>
    public static readonly IReadOnlyList<string> DefaultPaths = ["output.score", "output.label"];

    private static readonly string[] s_roots = ["input", "output", "explanation", "metadata", "model", "actor", "subject"];
    private readonly string[] _segments;

    private DriftPath(string path, string[] segments)
    {
        Path = path;
        _segments = segments;
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }

    /// <summary>True when the path reads the stored input rather than the entry.</summary>
    public bool ReadsInput => string.Equals(_segments[0], "input", StringComparison.Ordinal);

    /// <summary>Parses a dotted path.</summary>
    /// <param name="path">Such as <c>input.amount</c>.</param>
    /// <returns>The path.</returns>
    /// <exception cref="FormatException">The path is empty, has an empty segment, or does not start with an entry member that holds values; the message says which.</exception>
    public static DriftPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] segments = path.Split('.');
        if (path.Length == 0 || segments.Any(s => s.Length == 0))
        {
            throw new FormatException($"paths: '{path}' is not a field path; use dotted member names such as input.amount or output.score.");
        }

        if (!s_roots.Contains(segments[0], StringComparer.Ordinal) || segments.Length < 2)
        {
            throw new FormatException($"paths: '{path}' must start with one of {string.Join(", ", s_roots)} and name a member below it, e.g. input.amount.");
        }

        return new DriftPath(path, segments);
    }

    /// <summary>Reads the path's value: a number, a text (strings as they are, booleans and structures as compact JSON), or missing (absent or null).</summary>
    /// <param name="entry">The entry's root.</param>
    /// <param name="input">The stored input's root, when readable.</param>
    internal DriftObservation Read(JsonElement entry, JsonElement? input)
    {
        JsonElement current;
        int start;
        if (ReadsInput)
        {
            if (input is not { } i)
            {
                return DriftObservation.Missing;
            }

            current = i;
            start = 1;
        }
        else
        {
            current = entry;
            start = 0;
        }

        for (int s = start; s < _segments.Length; s++)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(_segments[s], out current))
            {
                return DriftObservation.Missing;
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.Number when current.TryGetDouble(out double number) && double.IsFinite(number) => DriftObservation.OfNumber(number),
            JsonValueKind.String => DriftObservation.OfText(current.GetString()!),
            JsonValueKind.Null or JsonValueKind.Undefined => DriftObservation.Missing,
            _ => DriftObservation.OfText(current.GetRawText()),
        };
    }

    /// <summary>The category a number falls in when its path is categorical: its shortest round-trip form.</summary>
    internal static string TextOf(double number) => number.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => Path;
}
