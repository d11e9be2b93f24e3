using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Retention;

/// <summary>
/// Carries out a policy's <c>inputs</c> durations on the live store: the stored inputs (and salts) of
/// decisions older than their model's <c>inputs</c> duration are deleted, except those a legal hold
/// covers, and an <c>input-retention</c> event says which, so <c>dledger verify</c> accepts them as
/// deleted by policy. Run before archiving, so an input due for deletion never reaches an archive file.
/// </summary>
public static class InputRetention
{
    /// <summary>The cutoffs a policy gives at <paramref name="now"/>: one per model with its own rule, one for the default.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="now">The run's time.</param>
    /// <returns>The cutoffs; none has a <c>before</c> when the policy deletes no inputs.</returns>
    public static IReadOnlyList<InputCutoff> CutoffsAt(RetentionPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var cutoffs = new List<InputCutoff> { new(null, policy.Default.Inputs?.Before(now)) };
        foreach (string model in policy.Models.Keys.Order(StringComparer.Ordinal))
        {
            cutoffs.Add(new InputCutoff(model, policy.RuleFor(model).Inputs?.Before(now)));
        }

        return cutoffs;
    }

    /// <summary>Deletes the live stored inputs due at <paramref name="now"/> and records the <c>input-retention</c> event.</summary>
    /// <param name="store">The live store the recorder appends to.</param>
    /// <param name="recorder">The running recorder.</param>
    /// <param name="policy">The policy: its <c>inputs</c> durations and holds.</param>
    /// <param name="now">The run's time.</param>
    /// <param name="logger">Where the deletion is logged; none by default.</param>
    /// <param name="cancellationToken">Cancels the scan; once the event is recorded the deletion finishes.</param>
    /// <returns>What was deleted, or <see langword="null"/> when nothing was due.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    /// <remarks>
    /// The event is recorded before the inputs are deleted: a crash in between leaves inputs the event
    /// already covers, which verify still checks as present, and the next run deletes them under a new event.
    /// </remarks>
    public static async Task<InputDeletionResult?> DeleteDueAsync(
        ILedgerStore store,
        DecisionRecorder recorder,
        RetentionPolicy policy,
        DateTimeOffset now,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(policy);
        IReadOnlyList<InputCutoff> cutoffs = CutoffsAt(policy, now);
        if (!cutoffs.Any(c => c.Before is not null))
        {
            return null;
        }

        long size = await store.GetSizeAsync(cancellationToken).ConfigureAwait(false);
        InputRetentionPlan plan = await InputRetentionPlanner.PlanAsync(store, policy, now, cancellationToken).ConfigureAwait(false);
        if (plan.Due.Count == 0)
        {
            return null;
        }

        var details = new InputRetentionEvent(cutoffs, Math.Max(size - 1, plan.Due.Max()), plan.Due.Count);
        RecordReceipt receipt = await recorder.RecordEventAsync(LedgerEvent.ForInputRetention(details, recorder.EntryFormat), cancellationToken).ConfigureAwait(false);
        int deleted = await store.DeleteInputsAsync(plan.Due, CancellationToken.None).ConfigureAwait(false);
        RetentionLog.InputsDeleted(logger ?? NullLogger.Instance, deleted, details.ThroughSeq, receipt.Seq);
        return new InputDeletionResult(deleted, plan.Held.Count, receipt.Seq);
    }
}
