using DecisionLedger.Reporting;
using DecisionLedger.Storage;

namespace DecisionLedger.Drift;

/// <summary>Computes a <see cref="DriftReport"/> in one ascending pass over the entries a checkpoint covers (and their stored inputs when a path reads them).</summary>
/// <param name="spec">What to compare.</param>
/// <param name="rule">Which windows to flag; null for the defaults.</param>
public sealed class DriftReportBuilder(DriftSpec spec, DriftAlertRule? rule = null)
{
    /// <summary>Reads every entry <paramref name="checkpoint"/> covers and returns the report.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="checkpoint">The verified checkpoint to report against.</param>
    /// <param name="progress">Receives the number of entries scanned; optional.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The report.</returns>
    /// <exception cref="InvalidDataException">A stored entry or input is not JSON; run <c>dledger verify</c>.</exception>
    /// <exception cref="LedgerStoreException">The store cannot be read.</exception>
    public async Task<DriftReport> CreateAsync(ILedgerStore store, ReportCheckpoint checkpoint, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var tracker = new DriftTracker(spec);
        await FeedAsync([tracker], store, 0, checkpoint.TreeSize, progress, cancellationToken).ConfigureAwait(false);
        return tracker.Evaluate(checkpoint, rule);
    }

    /// <summary>Adds the entries in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>) to every tracker in one pass, with their inputs when a tracker's paths read them.</summary>
    /// <param name="trackers">The trackers.</param>
    /// <param name="store">An opened store.</param>
    /// <param name="fromSeq">First entry.</param>
    /// <param name="toSeq">End, exclusive (a checkpoint's tree size).</param>
    /// <param name="progress">Receives the end of each chunk read; optional.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    public static async Task FeedAsync(IReadOnlyList<DriftTracker> trackers, ILedgerStore store, long fromSeq, long toSeq, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trackers);
        ArgumentNullException.ThrowIfNull(store);
        bool readsInputs = trackers.Any(t => t.Spec.ReadsInputs);
        var inputs = new Dictionary<long, StoredInput>();
        for (long start = fromSeq; start < toSeq; start += EntryScan.ChunkSize)
        {
            long end = Math.Min(toSeq, start + EntryScan.ChunkSize);
            inputs.Clear();
            if (readsInputs)
            {
                await foreach (StoredInput input in store.ReadInputsAsync(start, end, cancellationToken).ConfigureAwait(false))
                {
                    inputs[input.Seq] = input;
                }
            }

            await foreach (StoredEntry entry in store.ReadEntriesAsync(start, end, cancellationToken).ConfigureAwait(false))
            {
                StoredInput? input = inputs.GetValueOrDefault(entry.Seq);
                foreach (DriftTracker tracker in trackers)
                {
                    tracker.Add(entry, input);
                }
            }

            progress?.Report(end);
        }
    }
}
