using System.Globalization;

namespace DecisionLedger.Replay;

/// <summary>
/// How far a replayed number may be from the recorded one and still match: an absolute tolerance per
/// output path (<c>output.score=1e-6</c>), and a default for every other number. Strings, booleans and
/// nulls always match exactly.
/// </summary>
public sealed class ReplayTolerances
{
    /// <summary>The default absolute tolerance for numbers: 1e-6, because services commonly round their outputs to six decimals.</summary>
    public const double DefaultTolerance = 1e-6;

    private readonly Dictionary<string, double> _byPath;

    /// <summary>Creates tolerances.</summary>
    /// <param name="defaultTolerance">For numbers no path names; 0 or more.</param>
    /// <param name="byPath">Per output path (array indexes left out: <c>output.scores</c> covers every element).</param>
    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative or not finite.</exception>
    public ReplayTolerances(double defaultTolerance = DefaultTolerance, IReadOnlyDictionary<string, double>? byPath = null)
    {
        Check(defaultTolerance, "default");
        Default = defaultTolerance;
        _byPath = new Dictionary<string, double>(byPath ?? new Dictionary<string, double>(), StringComparer.Ordinal);
        foreach ((string path, double tolerance) in _byPath)
        {
            Check(tolerance, path);
        }
    }

    /// <summary>The tolerance for numbers no path names.</summary>
    public double Default { get; }

    /// <summary>The per-path tolerances.</summary>
    public IReadOnlyDictionary<string, double> ByPath => _byPath;

    /// <summary>Parses <c>--tolerance</c> values: <c>PATH=VALUE</c> for one path, a bare <c>VALUE</c> for the default.</summary>
    /// <param name="values">The option's values, in order (a later value for the same path wins).</param>
    /// <returns>The tolerances.</returns>
    /// <exception cref="FormatException">A value is malformed, negative or names a path outside <c>output</c>; the message names <c>--tolerance</c>.</exception>
    public static ReplayTolerances Parse(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double fallback = DefaultTolerance;
        var byPath = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            string path = equals < 0 ? string.Empty : value[..equals].Trim();
            string number = equals < 0 ? value.Trim() : value[(equals + 1)..].Trim();
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double tolerance) || !double.IsFinite(tolerance) || tolerance < 0)
            {
                throw new FormatException($"--tolerance: '{value}' does not end in a number of 0 or more; write output.score=1e-6, or a bare 1e-6 for every other number.");
            }

            if (equals < 0)
            {
                fallback = tolerance;
                continue;
            }

            try
            {
                JsonPathText.Parse(path, "output");
            }
            catch (FormatException exception)
            {
                throw new FormatException($"--tolerance: '{value}': {exception.Message} The path names a field of the recorded output, e.g. output.score.", exception);
            }

            byPath[path] = tolerance;
        }

        return new ReplayTolerances(fallback, byPath);
    }

    /// <summary>The tolerance of the number at <paramref name="path"/> (indexes ignored).</summary>
    /// <param name="path">A path such as <c>output.scores[2]</c>.</param>
    /// <returns>The path's tolerance, else the default.</returns>
    public double For(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string key = path;
        int bracket;
        while ((bracket = key.IndexOf('[', StringComparison.Ordinal)) >= 0)
        {
            int close = key.IndexOf(']', bracket);
            key = close < 0 ? key[..bracket] : key[..bracket] + key[(close + 1)..];
        }

        return _byPath.TryGetValue(key, out double tolerance) ? tolerance : Default;
    }

    private static void Check(double tolerance, string what)
    {
        if (!double.IsFinite(tolerance) || tolerance < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"--tolerance: {tolerance} for {what} is not a number of 0 or more.");
        }
    }
}
