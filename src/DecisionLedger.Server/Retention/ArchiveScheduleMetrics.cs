using System.Diagnostics.Metrics;

namespace DecisionLedger.Server.Retention;

/// <summary>
/// The collector's scheduled retention runs on the <c>DecisionLedger</c> meter: runs by outcome
/// (<c>decisionledger_archive_runs_total{outcome="ok|failed|skipped"}</c>), files written, decisions
/// archived and stored inputs deleted.
/// </summary>
internal sealed class ArchiveScheduleMetrics : IDisposable
{
    /// <summary>A run that finished.</summary>
    public const string Ok = "ok";

    /// <summary>A run that failed; ingestion went on.</summary>
    public const string Failed = "failed";

    /// <summary>A run not started because the previous one was still running.</summary>
    public const string Skipped = "skipped";

    private readonly Meter _meter = new("DecisionLedger");
    private readonly Counter<long> _runs;
    private readonly Counter<long> _files;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _inputs;

    public ArchiveScheduleMetrics()
    {
        _runs = _meter.CreateCounter<long>("decisionledger.archive.runs", unit: "{run}", description: "Scheduled retention runs, by outcome.");
        _files = _meter.CreateCounter<long>("decisionledger.archive.files", unit: "{file}", description: "Archive files written by scheduled runs.");
        _decisions = _meter.CreateCounter<long>("decisionledger.archive.decisions", unit: "{decision}", description: "Decisions moved to the archive by scheduled runs.");
        _inputs = _meter.CreateCounter<long>("decisionledger.archive.inputs_deleted", unit: "{input}", description: "Stored inputs deleted by scheduled runs because their retention passed.");
    }

    public void Run(string outcome) => _runs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Done(long files, long decisions, long inputs)
    {
        _files.Add(files);
        _decisions.Add(decisions);
        _inputs.Add(inputs);
    }

    public void Dispose() => _meter.Dispose();
}
