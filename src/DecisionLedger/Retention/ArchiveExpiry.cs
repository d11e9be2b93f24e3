using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Retention;

/// <summary>
/// Carries out a policy's <c>keep</c> durations on the archives: deletes the archive files (each
/// Parquet file and its <c>.manifest</c>) whose every decision is past its model's <c>keep</c> and that
/// no legal hold covers. The deletion is recorded first, as an <c>archive-expiry</c> event listing every
/// file, so <c>dledger verify</c> accepts the files' absence as expiry by policy; leaves, tiles and
/// checkpoints stay, so the tree still verifies and still proves the entries existed.
/// </summary>
/// <remarks>
/// Order: the event is durable (appended and committed by the recorder) before a byte is deleted. A run
/// that fails or stops after the event (a crash, the destination unreachable) leaves files the event
/// already lists; the next run deletes them first (<see cref="ArchiveExpiryPlan.Pending"/>), which is
/// idempotent: a file already gone is skipped. Verification treats a listed file that is still present
/// as expired, not as a finding.
/// </remarks>
public static class ArchiveExpiry
{
    /// <summary>Deletes the archive files whose <c>keep</c> passed at <paramref name="now"/>, after recording the <c>archive-expiry</c> event; first finishes deletions an earlier run recorded.</summary>
    /// <param name="store">The live store the recorder appends to.</param>
    /// <param name="recorder">The running recorder.</param>
    /// <param name="verifier">The ledger's verifier key: a file is read back against its commitment and manifest before it is planned for deletion.</param>
    /// <param name="openDestination">Opens a destination from its description.</param>
    /// <param name="policy">The policy: its <c>keep</c> durations, floor overrides and holds.</param>
    /// <param name="now">The run's time.</param>
    /// <param name="logger">Where deletions are logged (a warning for each file deleted under a floor override); none by default.</param>
    /// <param name="cancellationToken">Cancels the plan; once the event is recorded the deletion runs to its end.</param>
    /// <returns>What was deleted; an empty result when nothing was due.</returns>
    /// <exception cref="RetentionPolicyException">A rule's <c>keep</c> is below the legal floor without an override.</exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    /// <exception cref="Exception">A destination failed while deleting (the exception it throws); the event stands and the next run deletes the rest.</exception>
    public static async Task<ArchiveExpiryResult> ExpireDueAsync(
        ILedgerStore store,
        DecisionRecorder recorder,
        NoteVerifier verifier,
        Func<string, IArchiveDestination> openDestination,
        RetentionPolicy policy,
        DateTimeOffset now,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(openDestination);
        ILogger log = logger ?? NullLogger.Instance;
        ArchiveExpiryPlan plan = await ArchiveExpiryPlanner.PlanAsync(store, verifier, openDestination, policy, now, cancellationToken).ConfigureAwait(false);
        foreach (ExpiredCatalogFile pending in plan.Pending)
        {
            await DeleteAsync(openDestination(pending.File.Destination), pending.File.File, CancellationToken.None).ConfigureAwait(false);
            RetentionLog.ArchiveFileExpired(log, pending.File.File, pending.File.Destination, pending.File.FirstSeq, pending.File.LastSeq, pending.ExpiryEventSeq);
        }

        foreach (HeldArchiveFile held in plan.Held)
        {
            RetentionLog.ArchiveFileHeld(log, held.File.File, held.File.Destination, held.Hold.Describe(), held.Seq);
        }

        if (plan.Due.Count == 0)
        {
            return new ArchiveExpiryResult([], null, plan.Held.Count, plan.Pending.Count);
        }

        long eventSeq = await RecordAsync(recorder, plan, cancellationToken).ConfigureAwait(false);
        foreach (ExpiredArchiveFile file in plan.Due)
        {
            await DeleteAsync(openDestination(file.Destination), file.File, CancellationToken.None).ConfigureAwait(false);
            RetentionLog.ArchiveFileExpired(log, file.File, file.Destination, file.FirstSeq, file.LastSeq, eventSeq);
        }

        LogOverrides(log, policy, plan);
        return new ArchiveExpiryResult(plan.Due, eventSeq, plan.Held.Count, plan.Pending.Count);
    }

    /// <summary>Records the <c>archive-expiry</c> event for <paramref name="plan"/>'s due files and returns its seq; the files are not touched.</summary>
    /// <remarks>The first half of <see cref="ExpireDueAsync"/>; a run that stops here is completed by the next.</remarks>
    internal static async Task<long> RecordAsync(DecisionRecorder recorder, ArchiveExpiryPlan plan, CancellationToken cancellationToken)
    {
        var details = new ArchiveExpiryEvent(plan.Cutoffs, plan.Due);
        RecordReceipt receipt = await recorder.RecordEventAsync(LedgerEvent.ForArchiveExpiry(details, recorder.EntryFormat), cancellationToken).ConfigureAwait(false);
        return receipt.Seq;
    }

    // The Parquet file first, then its manifest: a file without a manifest is never left by a half-done
    // deletion that verification would read as present, and a manifest left alone is deleted next run.
    private static async Task DeleteAsync(IArchiveDestination destination, string file, CancellationToken cancellationToken)
    {
        await destination.DeleteAsync(file, cancellationToken).ConfigureAwait(false);
        await destination.DeleteAsync(ArchivePaths.ManifestPath(file), cancellationToken).ConfigureAwait(false);
    }

    private static void LogOverrides(ILogger logger, RetentionPolicy policy, ArchiveExpiryPlan plan)
    {
        foreach (ExpiredArchiveFile file in plan.Due)
        {
            string? model = ArchiveExpiryPlanner.ModelOfPath(file.File);
            string rule = ArchiveExpiryPlanner.KeepRuleOf(policy, model);
            if (policy.Overrides.TryGetValue(rule, out FloorOverride? granted) && policy.RuleFor(model).Keep is { } keep && keep.IsShorterThan(policy.LegalFloor))
            {
                RetentionLog.ArchiveFileExpiredBelowFloor(logger, file.File, file.Destination, rule, keep.Text, policy.LegalFloor.Text, granted.Reason, granted.By);
            }
        }
    }
}
