using DecisionLedger.Drift;

namespace DecisionLedger.Server.Drift;

/// <summary>One model the collector watches for drift: which versions, against which baseline, in which windows, flagged when.</summary>
public sealed class DriftWatchOptions
{
    /// <summary>The exact model name. Required.</summary>
    public string Model { get; set; } = "";

    /// <summary>The versions watched, each against its own baseline decisions; empty (the default) for every version pooled.</summary>
    public IList<string> Versions { get; } = [];

    /// <summary>Start of the baseline, inclusive. Required.</summary>
    public DateTimeOffset BaselineFrom { get; set; }

    /// <summary>End of the baseline, exclusive; the first window starts here. Required.</summary>
    public DateTimeOffset BaselineTo { get; set; }

    /// <summary>Window length. Default one hour.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The paths compared; empty (the default) for <c>output.score</c> and <c>output.label</c>.</summary>
    public IList<string> Paths { get; } = [];

    /// <summary>PSI above which a window raises an alert. Default 0.2.</summary>
    public double Threshold { get; set; } = DriftAlertRule.DefaultPsiThreshold;

    /// <summary>Fewest decisions a window needs to raise an alert. Default 100.</summary>
    public long MinDecisions { get; set; } = DriftAlertRule.DefaultMinDecisions;

    /// <summary>Quantile bins of a numeric path. Default 10.</summary>
    public int Bins { get; set; } = DriftSpec.DefaultBins;

    /// <summary>The newest windows kept in memory (and on the dashboard). Default 168, a week of hours.</summary>
    public int RetainWindows { get; set; } = 168;

    /// <summary>The specs this watch tracks, one per version (or one pooled), checked.</summary>
    /// <param name="field">The watch's name in errors, e.g. <c>models[0]</c>.</param>
    /// <exception cref="ArgumentException">A value is missing or out of range; the message names the field.</exception>
    internal IReadOnlyList<DriftSpec> Specs(string field)
    {
        if (string.IsNullOrEmpty(Model))
        {
            throw new ArgumentException($"{field}.model: required; the exact model name as recorded.");
        }

        if (RetainWindows < 1)
        {
            throw new ArgumentException($"{field}.retainWindows: {RetainWindows} is below 1.");
        }

        if (Bins is < 2 or > 100)
        {
            throw new ArgumentException($"{field}.bins: {Bins} is out of range; use 2 to 100.");
        }

        Rule.Validate(field + ".");
        DriftPath[] paths;
        try
        {
            paths = [.. Paths.Select(DriftPath.Parse)];
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{field}.{e.Message}", e);
        }

        try
        {
            string?[] versions = Versions.Count == 0 ? [null] : [.. Versions];
            return [.. versions.Select(v => new DriftSpec(Model, v, BaselineFrom, BaselineTo, Window, paths) { Bins = Bins })];
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{field}.{e.Message}", e);
        }
    }

    /// <summary>The alert rule of this watch.</summary>
    internal DriftAlertRule Rule => new(Threshold, MinDecisions);
}
