namespace DecisionLedger.Drift;

/// <summary>
/// What a drift report compares: one model (one version, or all of them pooled), a baseline time range
/// [<see cref="BaselineFrom"/>, <see cref="BaselineTo"/>), and windows of <see cref="Window"/> that start at
/// <see cref="BaselineTo"/> and follow each other: window k is [BaselineTo + k·Window, BaselineTo + (k+1)·Window).
/// </summary>
public sealed record DriftSpec
{
    /// <summary>The default number of quantile bins of a numeric path (10).</summary>
    public const int DefaultBins = 10;

    /// <summary>The default most categories a categorical path keeps from the baseline (50); rarer baseline values share the "other" bin.</summary>
    public const int DefaultMaxCategories = 50;

    /// <summary>Creates a spec and checks it.</summary>
    /// <param name="model">The exact model name.</param>
    /// <param name="version">One version, or null for every version pooled.</param>
    /// <param name="baselineFrom">Start of the baseline, inclusive.</param>
    /// <param name="baselineTo">End of the baseline, exclusive; the first window starts here.</param>
    /// <param name="window">Window length.</param>
    /// <param name="paths">The paths compared; null or empty for <see cref="DriftPath.DefaultPaths"/>.</param>
    /// <exception cref="ArgumentException">A value is empty or out of range; the message names it.</exception>
    public DriftSpec(string model, string? version, DateTimeOffset baselineFrom, DateTimeOffset baselineTo, TimeSpan window, IReadOnlyList<DriftPath>? paths = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length == 0)
        {
            throw new ArgumentException("model: the value is empty; pass the exact model name as recorded.", nameof(model));
        }

        if (baselineTo <= baselineFrom)
        {
            throw new ArgumentException($"baseline: {baselineTo:O} is not after {baselineFrom:O}; the range is [from, to) and would be empty.", nameof(baselineTo));
        }

        if (window < TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"window: {window} is shorter than a minute.", nameof(window));
        }

        Model = model;
        Version = version;
        BaselineFrom = baselineFrom;
        BaselineTo = baselineTo;
        Window = window;
        Paths = paths is { Count: > 0 } ? paths : [.. DriftPath.DefaultPaths.Select(DriftPath.Parse)];
        if (Paths.Select(p => p.Path).Distinct(StringComparer.Ordinal).Count() != Paths.Count)
        {
            throw new ArgumentException("paths: a path is listed twice.", nameof(paths));
        }
    }

    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>The version, or null for all versions pooled.</summary>
    public string? Version { get; }

    /// <summary>Start of the baseline, inclusive.</summary>
    public DateTimeOffset BaselineFrom { get; }

    /// <summary>End of the baseline, exclusive.</summary>
    public DateTimeOffset BaselineTo { get; }

    /// <summary>Window length.</summary>
    public TimeSpan Window { get; }

    /// <summary>The paths compared, in report order.</summary>
    public IReadOnlyList<DriftPath> Paths { get; }

    /// <summary>Quantile bins of a numeric path (at least 2). Default <see cref="DefaultBins"/>.</summary>
    public int Bins { get; init; } = DefaultBins;

    /// <summary>Most categories kept per categorical path (at least 1). Default <see cref="DefaultMaxCategories"/>.</summary>
    public int MaxCategories { get; init; } = DefaultMaxCategories;

    /// <summary>True when any path reads the stored input.</summary>
    public bool ReadsInputs => Paths.Any(p => p.ReadsInput);

    /// <summary>The start of the window <paramref name="timestamp"/> falls in, or null when it is before <see cref="BaselineTo"/>.</summary>
    /// <param name="timestamp">A decision's time.</param>
    public DateTimeOffset? WindowStart(DateTimeOffset timestamp)
    {
        if (timestamp < BaselineTo)
        {
            return null;
        }

        long k = (timestamp - BaselineTo).Ticks / Window.Ticks;
        return BaselineTo + TimeSpan.FromTicks(k * Window.Ticks);
    }
}
