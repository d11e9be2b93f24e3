using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Retention;

/// <summary>
/// One retention run, in the order that loses nothing: finish (or roll back) an archive run a crash
/// interrupted; delete the stored inputs whose <c>inputs</c> duration passed, so they never reach an
/// archive; archive every range that is due; remove from archive files the inputs whose <c>inputs</c>
/// duration passed after they were archived; then delete the archive files past their <c>keep</c>
/// (rewriting first spares nothing: a file past <c>keep</c> is past <c>inputs</c> too, and expired
/// files leave the catalog the rewrite reads). <c>dledger retention apply</c>, <c>dledger archive</c>
/// and the collector's schedule all run through here.
/// </summary>
/// <param name="store">The live store the recorder appends to.</param>
/// <param name="ranges">The same store's archive facet.</param>
/// <param name="signer">The ledger's checkpoint signer; it signs the archive manifests.</param>
/// <param name="recorder">The running recorder; it records the <c>archived</c> and <c>input-retention</c> events.</param>
/// <param name="openDestination">Opens a destination an <c>archived</c> event names, to check an interrupted run's files.</param>
/// <param name="logger">Where the steps are logged; none by default.</param>
public sealed class RetentionRunner(
    ILedgerStore store,
    IArchivedRangeStore ranges,
    ICheckpointSigner signer,
    DecisionRecorder recorder,
    Func<string, IArchiveDestination> openDestination,
    ILogger? logger = null)
{
    /// <summary>Runs recovery, input deletion (when <paramref name="inputPolicy"/> is given) and archiving.</summary>
    /// <param name="destination">Where due ranges are archived; null to archive nothing (recovery and input deletion still run).</param>
    /// <param name="isArchiveDue">Whether a decision is due for archiving.</param>
    /// <param name="inputPolicy">The policy whose <c>inputs</c> durations and holds decide input deletion; null to delete no inputs.</param>
    /// <param name="now">The run's time.</param>
    /// <param name="cancellationToken">Cancels between steps; a step that started removing data finishes.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="ArchiveReadBackException">An archive file did not read back as written; that range stays live.</exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public async Task<RetentionRunResult> RunAsync(
        IArchiveDestination? destination,
        Func<EntryColumns, bool> isArchiveDue,
        RetentionPolicy? inputPolicy,
        DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isArchiveDue);
        IReadOnlyList<ArchiveRecoveryOutcome> recovered = await InterruptedArchiveRecovery.RecoverAsync(store, ranges, openDestination, logger, cancellationToken).ConfigureAwait(false);
        InputDeletionResult? inputs = inputPolicy is null
            ? null
            : await InputRetention.DeleteDueAsync(store, recorder, inputPolicy, now, logger, cancellationToken).ConfigureAwait(false);
        var archived = new List<ArchiveRunResult>();
        if (destination is not null)
        {
            var archiver = new LedgerArchiver(store, ranges, signer, recorder, logger);
            while (await archiver.RunAsync(destination, isArchiveDue, cancellationToken: cancellationToken).ConfigureAwait(false) is { } run)
            {
                archived.Add(run);
            }
        }

        ArchivedInputDeletionResult? archivedInputs = inputPolicy is null ? null : await ArchivedInputRetention.DeleteDueAsync(store, recorder, signer, openDestination, inputPolicy, now, logger, cancellationToken).ConfigureAwait(false);
        ArchiveExpiryResult? expired = inputPolicy is null ? null : await ArchiveExpiry.ExpireDueAsync(store, recorder, signer.Verifier, openDestination, inputPolicy, now, logger, cancellationToken).ConfigureAwait(false);
        return new RetentionRunResult(recovered, inputs, archived, expired) { ArchivedInputsDeleted = archivedInputs };
    }
}
