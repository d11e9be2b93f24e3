using DecisionLedger.Archiving;

namespace DecisionLedger.Server.Retention;

/// <summary>
/// Scheduled retention in the collector: every <see cref="Interval"/> it finishes any interrupted
/// archive run, deletes the stored inputs past their <c>inputs</c> duration and archives the decisions
/// past their <c>live</c> duration to <see cref="Destination"/>, following the ledger's retention
/// policy. Off while <see cref="Destination"/> is null (the default).
/// </summary>
public sealed class ArchiveScheduleOptions
{
    /// <summary>The default time between runs: one hour.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    /// <summary>Where due decisions are archived (a directory or an S3 location); null turns the schedule off.</summary>
    public IArchiveDestination? Destination { get; set; }

    /// <summary>The time from the start of one run to the start of the next; the first run is at start. Default one hour, at least one second.</summary>
    public TimeSpan Interval { get; set; } = DefaultInterval;

    /// <summary>A JSON file holding <c>{"retention":{…}}</c>; null (the default) for the <c>retention</c> section of the ledger's <c>ledger.json</c>. Read at every run, so an edited policy (a new legal hold) applies from the next run.</summary>
    public string? PolicyPath { get; set; }

    /// <summary>
    /// Opens a destination an earlier <c>archived</c> event names, to check an interrupted run's files before
    /// completing it; null (the default) opens directories (<c>dir:…</c>) and <see cref="Destination"/> itself.
    /// </summary>
    public Func<string, IArchiveDestination>? OpenDestination { get; set; }

    /// <summary>Whether the schedule runs.</summary>
    public bool Enabled => Destination is not null;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    /// <param name="prefix">The options' name in messages, e.g. <c>CollectorOptions.Archiving</c>.</param>
    public void Validate(string prefix)
    {
        if (Enabled && (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(366)))
        {
            throw new ArgumentException($"{prefix}.Interval: must be at least 1 second and at most 366 days; got {Interval}.");
        }
    }
}
