using System.Globalization;
using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Retention;

/// <summary>
/// Carries a policy's <c>inputs</c> durations into the archive files: stored inputs (and salts) that were
/// archived with their decisions (<c>inputs</c> longer than <c>live</c>, or held when they came due) are
/// removed from their files once due, except those a legal hold covers. The order is the one live input
/// deletion keeps: an <c>input-retention</c> event first, then the files are rewritten without those
/// inputs (<see cref="ArchiveRewriter"/>: entries and leaves unchanged, new signed manifests), then one
/// <c>archive-rewrite</c> event per destination commits to the new digests.
/// </summary>
/// <remarks>
/// Each run reads every archive file of a month before the latest cutoff to find the inputs it still holds
/// (a file holds no input a cutoff makes due when its month starts at or after every cutoff). A file that
/// fails its checks is not rewritten, so its damage is not covered up; it is logged and listed, and
/// <c>dledger verify</c> locates it. A crash after a file was rewritten and before its <c>archive-rewrite</c>
/// event leaves a file whose new digest the ledger does not know, which <c>dledger verify</c> reports as
/// <c>archive-mismatch</c> naming the file, as for an interrupted erasure rewrite.
/// </remarks>
public static class ArchivedInputRetention
{
    /// <summary>Finds the archived inputs due at <paramref name="now"/> and those legal holds keep; changes nothing.</summary>
    /// <param name="store">The live store (its events name the archive files).</param>
    /// <param name="openDestination">Opens a destination an <c>archived</c> event names.</param>
    /// <param name="verifier">The ledger's verifier key; the files' manifests must be signed by it.</param>
    /// <param name="policy">The policy: its <c>inputs</c> durations and holds.</param>
    /// <param name="now">The run's time.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The plan; empty when nothing was archived or the policy deletes no inputs.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async Task<ArchivedInputRetentionPlan> PlanAsync(
        ILedgerStore store,
        Func<string, IArchiveDestination> openDestination,
        NoteVerifier verifier,
        RetentionPolicy policy,
        DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(openDestination);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(policy);
        ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        if (catalog.IsEmpty || !InputRetention.CutoffsAt(policy, now).Any(c => c.Before is not null))
        {
            return new ArchivedInputRetentionPlan([], [], [], []);
        }

        return (await ScanAsync(store, new ArchiveReader(catalog, openDestination, verifier), policy, now, cancellationToken).ConfigureAwait(false)).Plan;
    }

    /// <summary>Removes the archived inputs due at <paramref name="now"/> from their files and records it.</summary>
    /// <param name="store">The live store the recorder appends to.</param>
    /// <param name="recorder">The running recorder; it records the <c>input-retention</c> and <c>archive-rewrite</c> events.</param>
    /// <param name="signer">The ledger's checkpoint signer; it signs the new manifests.</param>
    /// <param name="openDestination">Opens a destination an <c>archived</c> event names.</param>
    /// <param name="policy">The policy: its <c>inputs</c> durations and holds.</param>
    /// <param name="now">The run's time.</param>
    /// <param name="logger">Where the step is logged; none by default.</param>
    /// <param name="cancellationToken">Cancels the scan; once the <c>input-retention</c> event is recorded the rewrite finishes.</param>
    /// <returns>What was removed, or <see langword="null"/> when no archived input was due (or every due one is in a damaged file).</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async Task<ArchivedInputDeletionResult?> DeleteDueAsync(
        ILedgerStore store,
        DecisionRecorder recorder,
        ICheckpointSigner signer,
        Func<string, IArchiveDestination> openDestination,
        RetentionPolicy policy,
        DateTimeOffset now,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(openDestination);
        ArgumentNullException.ThrowIfNull(policy);
        logger ??= NullLogger.Instance;
        IReadOnlyList<InputCutoff> cutoffs = InputRetention.CutoffsAt(policy, now);
        ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        if (catalog.IsEmpty || !cutoffs.Any(c => c.Before is not null))
        {
            return null;
        }

        var reader = new ArchiveReader(catalog, openDestination, signer.Verifier);
        (ArchivedInputRetentionPlan plan, HashSet<long> due) = await ScanAsync(store, reader, policy, now, cancellationToken).ConfigureAwait(false);
        foreach (string damaged in plan.Damaged)
        {
            RetentionLog.ArchivedInputsNotRemoved(logger, damaged);
        }

        var toRewrite = new HashSet<string>(plan.Files, StringComparer.Ordinal);
        List<ArchiveRewritePlan> rewrites = await ArchiveRewriter.PlanAsync(reader, r => due.Contains(r.Seq), _ => true, f => toRewrite.Contains(f.File), cancellationToken).ConfigureAwait(false);
        if (rewrites.Count == 0)
        {
            return null;
        }

        // Recorded first, as for live inputs: verify accepts an archived input as deleted by policy only once this event says so.
        long size = await store.GetSizeAsync(cancellationToken).ConfigureAwait(false);
        int count = rewrites.Sum(r => r.Seqs.Count);
        var details = new InputRetentionEvent(cutoffs, Math.Max(size - 1, rewrites.Max(r => r.Seqs[^1])), count);
        RecordReceipt receipt = await recorder.RecordEventAsync(LedgerEvent.ForInputRetention(details, recorder.EntryFormat), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<(string Destination, IReadOnlyList<ArchiveRewrittenFile> Files, IReadOnlyList<long> Seqs)> written =
            await ArchiveRewriter.WriteAsync(reader, rewrites, signer).ConfigureAwait(false);
        var rewriteSeqs = new List<long>();
        foreach ((string destination, IReadOnlyList<ArchiveRewrittenFile> files, _) in written)
        {
            RecordReceipt rewrite = await recorder.RecordEventAsync(
                LedgerEvent.ForArchiveRewrite(ArchiveRewriteEvent.ForInputRetention(destination, receipt.Seq, files), recorder.EntryFormat),
                CancellationToken.None).ConfigureAwait(false);
            rewriteSeqs.Add(rewrite.Seq);
        }

        RetentionLog.ArchivedInputsDeleted(logger, count, rewrites.Count, receipt.Seq);
        return new ArchivedInputDeletionResult(count, plan.Held.Count, rewrites.Count, receipt.Seq, rewriteSeqs, plan.Damaged);
    }

    private static async Task<(ArchivedInputRetentionPlan Plan, HashSet<long> Due)> ScanAsync(
        ILedgerStore store,
        ArchiveReader reader,
        RetentionPolicy policy,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        DateTimeOffset latest = InputRetention.CutoffsAt(policy, now).Max(c => c.Before) ?? DateTimeOffset.MinValue;

        // A v2 row names its subject by ref: a hold on the subject's id covers the ref's rows too.
        string[] heldSubjects = [.. policy.Holds.Where(h => h.Subject is not null).Select(h => h.Subject!).Distinct(StringComparer.Ordinal)];
        IReadOnlyDictionary<string, string> refs = heldSubjects.Length == 0
            ? new Dictionary<string, string>()
            : await store.GetSubjectRefsAsync(heldSubjects, cancellationToken).ConfigureAwait(false);
        var idOfRef = refs.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        var due = new HashSet<long>();
        var held = new List<(long, LegalHold)>();
        var files = new List<string>();
        var damaged = new List<string>();
        foreach (ArchiveCatalogFile file in reader.Catalog.Files)
        {
            if (MonthStart(file.File) is { } month && month >= latest)
            {
                continue;
            }

            ArchiveFileContent content = await reader.LoadAsync(file, cancellationToken).ConfigureAwait(false);
            var dueHere = new List<long>();
            foreach (ArchiveRow row in content.Rows)
            {
                if (row.Input is null && row.Salt is null)
                {
                    continue;
                }

                string? model = string.IsNullOrEmpty(row.Model) ? null : row.Model;
                if (policy.RuleFor(model).Inputs is not { } inputs || Timestamp(row.Timestamp) >= inputs.Before(now))
                {
                    continue;
                }

                string? subject = row.Subject is { } s && idOfRef.TryGetValue(s, out string? id) ? id : row.Subject;
                if ((policy.HoldOn(row.Seq, model, subject) ?? policy.HoldOn(row.Seq, model, row.Subject)) is { } hold)
                {
                    held.Add((row.Seq, hold));
                    continue;
                }

                dueHere.Add(row.Seq);
            }

            // A file that cannot be read may hold due inputs as well: it is listed, never rewritten.
            if (content.Problem != ArchiveFileProblem.None && (dueHere.Count > 0 || content.Rows.Count == 0))
            {
                damaged.Add(content.Detail ?? file.Describe());
                continue;
            }

            if (dueHere.Count == 0)
            {
                continue;
            }

            due.UnionWith(dueHere);
            files.Add(file.File);
        }

        return (new ArchivedInputRetentionPlan([.. due.Order()], held, files, damaged), due);
    }

    // Files are named <model>/<yyyy-MM>/<first>-<last>.parquet: a file's rows are no older than its month.
    private static DateTimeOffset? MonthStart(string file)
    {
        string[] parts = file.Split('/');
        return parts.Length >= 2 && DateTimeOffset.TryParseExact(parts[^2], "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset month)
            ? month
            : null;
    }

    private static DateTimeOffset Timestamp(long microseconds)
    {
        try
        {
            return DateTimeOffset.UnixEpoch.AddTicks(checked(microseconds * 10));
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            return DateTimeOffset.MinValue;
        }
    }
}
