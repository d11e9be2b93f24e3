using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Archiving;

/// <summary>
/// Moves due decision entries out of the live store into Parquet files, in the only order that
/// loses nothing: write every file and its signed manifest, read each back and check it against
/// the live tiles, record the <c>archived</c> event through the recorder, and only then let the
/// store drop the bodies and inputs of the range.
/// </summary>
/// <param name="store">The live store the recorder appends to.</param>
/// <param name="ranges">The same store's archive facet.</param>
/// <param name="signer">The ledger's checkpoint signer; it signs the manifests.</param>
/// <param name="recorder">The running recorder of the ledger; it records the <c>archived</c> event.</param>
/// <param name="logger">Where each run is logged; none by default.</param>
public sealed class LedgerArchiver(ILedgerStore store, IArchivedRangeStore ranges, ICheckpointSigner signer, DecisionRecorder recorder, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Archives the next due range, if any.</summary>
    /// <param name="destination">Where the files go.</param>
    /// <param name="isDue">Whether a decision entry is due (see <see cref="ArchivePlanner.PlanAsync"/>).</param>
    /// <param name="maxDecisions">The most decision entries in the run; default <see cref="ArchivePlanner.DefaultMaxDecisions"/>.</param>
    /// <param name="cancellationToken">Cancels the run; once the <c>archived</c> event is recorded the removal is not cancelled.</param>
    /// <returns>The run's outcome, or <see langword="null"/> when nothing was due.</returns>
    /// <exception cref="ArchiveReadBackException">A file did not read back as written; nothing was recorded or removed.</exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public async Task<ArchiveRunResult?> RunAsync(
        IArchiveDestination destination,
        Func<EntryColumns, bool> isDue,
        int maxDecisions = ArchivePlanner.DefaultMaxDecisions,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(isDue);
        ArchivePlan? plan = await ArchivePlanner.PlanAsync(store, ranges, isDue, maxDecisions, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return null;
        }

        StoredCheckpoint checkpoint = await store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The ledger lost its signed checkpoint while archiving.");
        var written = new List<(ArchiveManifest Manifest, ArchivePlanGroup Group)>();
        foreach (ArchivePlanGroup group in plan.Groups)
        {
            byte[] bytes = await ArchiveParquetWriter.ToBytesAsync(group.Rows, cancellationToken).ConfigureAwait(false);
            var manifest = new ArchiveManifest(
                group.File,
                group.Model,
                group.Month,
                group.Rows[0].Seq,
                group.Rows[^1].Seq,
                group.Rows.Count,
                Convert.ToHexStringLower(SHA256.HashData(bytes)),
                ArchiveLeaves.Root(group.Rows),
                checkpoint.TreeSize,
                checkpoint.RootHash);
            await destination.WriteAsync(group.File, new MemoryStream(bytes, writable: false), cancellationToken).ConfigureAwait(false);
            byte[] note = Encoding.UTF8.GetBytes(ArchiveManifestNote.Sign(manifest, signer));
            await destination.WriteAsync(ArchivePaths.ManifestPath(group.File), new MemoryStream(note, writable: false), cancellationToken).ConfigureAwait(false);
            written.Add((manifest, group));
        }

        // Every file is checked before anything is recorded: one bad file keeps the whole range live.
        foreach ((ArchiveManifest manifest, ArchivePlanGroup group) in written)
        {
            await ArchiveReadBack.CheckAsync(destination, manifest, group.Rows, signer.Verifier, store, cancellationToken).ConfigureAwait(false);
        }

        ArchivedFile[] files = [.. written.Select(w => new ArchivedFile(w.Manifest.File, w.Manifest.Rows, w.Manifest.Sha256))];
        var archived = new ArchivedEvent(destination.Describe(), files, plan.FirstSeq, plan.LastSeq, plan.Decisions);
        RecordReceipt receipt = await recorder.RecordEventAsync(LedgerEvent.ForArchived(archived, recorder.EntryFormat), cancellationToken).ConfigureAwait(false);

        // The event is in the log: from here the removal must finish, whatever the caller cancels.
        await ranges.RecordArchivedRangeAsync(new ArchivedRange(plan.FirstSeq, plan.LastSeq, receipt.Seq, archived.Destination), CancellationToken.None).ConfigureAwait(false);
        long removed = await ranges.RemoveArchivedBodiesAsync(plan.FirstSeq, plan.LastSeq, CancellationToken.None).ConfigureAwait(false);
        ArchiveLog.Archived(_logger, plan.Decisions, plan.FirstSeq, plan.LastSeq, files.Length, archived.Destination, receipt.Seq);
        return new ArchiveRunResult(plan.FirstSeq, plan.LastSeq, receipt.Seq, archived.Destination, files, removed);
    }
}
