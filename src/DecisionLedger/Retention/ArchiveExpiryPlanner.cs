using System.Globalization;
using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Storage;

namespace DecisionLedger.Retention;

/// <summary>
/// Finds the archive files whose <c>keep</c> passed: every decision in the file is older than its
/// model's <c>keep</c> duration, no legal hold covers any of them (a file with one held decision stays
/// whole), the file still matches the ledger's commitment, and its bodies have left the live store.
/// Used by <c>retention show</c>, <c>retention apply --dry-run</c> and the expiry step itself.
/// </summary>
public static class ArchiveExpiryPlanner
{
    /// <summary>The <c>keep</c> cutoffs a policy gives at <paramref name="now"/>: one for the default, one per model with its own rule.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="now">The run's time.</param>
    /// <returns>The cutoffs; none has a <c>before</c> when the policy keeps archives for ever.</returns>
    public static IReadOnlyList<KeepCutoff> CutoffsAt(RetentionPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var cutoffs = new List<KeepCutoff> { new(null, policy.Default.Keep?.Before(now)) };
        foreach (string model in policy.Models.Keys.Order(StringComparer.Ordinal))
        {
            cutoffs.Add(new KeepCutoff(model, policy.RuleFor(model).Keep?.Before(now)));
        }

        return cutoffs;
    }

    /// <summary>Plans keep expiry at <paramref name="now"/>.</summary>
    /// <param name="store">The live store (its event entries make the archive catalog).</param>
    /// <param name="verifier">The ledger's verifier key: a file is read back and its manifest checked before it may be planned for deletion.</param>
    /// <param name="openDestination">Opens a destination from its description.</param>
    /// <param name="policy">The policy: its <c>keep</c> durations, floor overrides and holds.</param>
    /// <param name="now">The run's time.</param>
    /// <param name="cancellationToken">Cancels the plan.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="RetentionPolicyException">A rule's <c>keep</c> is below the legal floor without an override (a policy built in code, not parsed).</exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async Task<ArchiveExpiryPlan> PlanAsync(
        ILedgerStore store,
        NoteVerifier verifier,
        Func<string, IArchiveDestination> openDestination,
        RetentionPolicy policy,
        DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(openDestination);
        ArgumentNullException.ThrowIfNull(policy);
        IReadOnlyList<KeepCutoff> cutoffs = CutoffsAt(policy, now);
        ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        List<ExpiredCatalogFile> pending = await FindPendingAsync(catalog, openDestination, cancellationToken).ConfigureAwait(false);
        var due = new List<ExpiredArchiveFile>();
        var held = new List<HeldArchiveFile>();
        if (!cutoffs.Any(c => c.Before is not null) || catalog.Files.Count == 0)
        {
            return new ArchiveExpiryPlan(cutoffs, due, held, pending);
        }

        EnsureFloorHonoured(policy);
        Dictionary<string, LegalHold> heldRefs = await HeldSubjectRefsAsync(store, policy, cancellationToken).ConfigureAwait(false);
        var reader = new ArchiveReader(catalog, openDestination, verifier, cachedFiles: 1);
        foreach (ArchiveCatalogFile file in catalog.Files)
        {
            // A file's model and month are in its path: a file whose model is kept for ever, or whose month
            // starts after its model's cutoff, holds nothing due and is not read (the rows decide the rest).
            if (MonthOf(file.File) is { } month && (policy.RuleFor(ModelOfPath(file.File)).Keep?.Before(now) is not { } cutoff || month >= cutoff))
            {
                continue;
            }

            ArchiveFileContent content = await reader.LoadAsync(file, cancellationToken).ConfigureAwait(false);
            if (content.Problem != ArchiveFileProblem.None || content.Rows.Count == 0 || !content.Rows.All(row => IsPastKeep(policy, row, now)))
            {
                // A file that does not match the ledger's commitment is evidence: verify reports it; expiry leaves it.
                continue;
            }

            if (FirstHold(policy, heldRefs, content.Rows) is { } hold)
            {
                held.Add(new HeldArchiveFile(file, hold.Hold, hold.Seq));
                continue;
            }

            // Bodies still live (an archive run stopped before its removal) would lose their only copy's twin: wait for recovery.
            if (await store.GetEntryAsync(content.Rows[0].Seq, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            due.Add(new ExpiredArchiveFile(file.Destination, file.File, file.Sha256, file.Rows, file.FirstSeq, file.LastSeq));
        }

        return new ArchiveExpiryPlan(cutoffs, due, held, pending);
    }

    /// <summary>The rule (<c>default</c> or a model name) whose <c>keep</c> applies to <paramref name="model"/>: the model's own, else the default's.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="model">The model, or null.</param>
    /// <returns>The rule's name, as <see cref="RetentionPolicy.Overrides"/> keys it.</returns>
    internal static string KeepRuleOf(RetentionPolicy policy, string? model) =>
        model is not null && policy.Models.TryGetValue(model, out RetentionRule? own) && own.Keep is not null ? model : "default";

    private static bool IsPastKeep(RetentionPolicy policy, ArchiveRow row, DateTimeOffset now) =>
        policy.RuleFor(string.IsNullOrEmpty(row.Model) ? null : row.Model).Keep is { } keep
        && DateTimeOffset.UnixEpoch.AddTicks(row.Timestamp * 10) < keep.Before(now);

    private static (LegalHold Hold, long Seq)? FirstHold(RetentionPolicy policy, Dictionary<string, LegalHold> heldRefs, IReadOnlyList<ArchiveRow> rows)
    {
        foreach (ArchiveRow row in rows)
        {
            string? model = string.IsNullOrEmpty(row.Model) ? null : row.Model;
            LegalHold? hold = policy.HoldOn(row.Seq, model, row.Subject)
                ?? (row.Subject is { } subject && heldRefs.TryGetValue(subject, out LegalHold? byRef) ? byRef : null);
            if (hold is not null)
            {
                return (hold, row.Seq);
            }
        }

        return null;
    }

    // v2 archive rows hold the subject's ref, not its id: a hold on a subject id covers the rows of its ref too.
    private static async Task<Dictionary<string, LegalHold>> HeldSubjectRefsAsync(ILedgerStore store, RetentionPolicy policy, CancellationToken cancellationToken)
    {
        var byRef = new Dictionary<string, LegalHold>(StringComparer.Ordinal);
        List<LegalHold> subjectHolds = [.. policy.Holds.Where(h => h.Subject is not null)];
        if (subjectHolds.Count == 0)
        {
            return byRef;
        }

        IReadOnlyDictionary<string, string> refs = await store.GetSubjectRefsAsync([.. subjectHolds.Select(h => h.Subject!)], cancellationToken).ConfigureAwait(false);
        foreach (LegalHold hold in subjectHolds)
        {
            if (refs.TryGetValue(hold.Subject!, out string? subjectRef))
            {
                byRef.TryAdd(subjectRef, hold);
            }
        }

        return byRef;
    }

    // A policy read by RetentionPolicyParser never gets here with a keep below the floor and no override;
    // one built in code could, and expiry deletes for good, so it refuses rather than trusts.
    private static void EnsureFloorHonoured(RetentionPolicy policy)
    {
        foreach ((string name, RetentionRule rule) in policy.Models.Select(m => (m.Key, m.Value)).Prepend(("default", policy.Default)))
        {
            if (rule.Keep is { } keep && keep.IsShorterThan(policy.LegalFloor) && !policy.Overrides.ContainsKey(name))
            {
                string field = name == "default" ? "retention.default.keep" : $"retention.models.{name}.keep";
                throw new RetentionPolicyException(field, $"{keep} is shorter than the legal floor {policy.LegalFloor} and no overrideLegalFloor permits it; keep expiry refuses to delete archive files under it.");
            }
        }
    }

    private static async Task<List<ExpiredCatalogFile>> FindPendingAsync(ArchiveCatalog catalog, Func<string, IArchiveDestination> openDestination, CancellationToken cancellationToken)
    {
        var pending = new List<ExpiredCatalogFile>();
        foreach (IGrouping<string, ExpiredCatalogFile> group in catalog.Expired.GroupBy(e => e.File.Destination, StringComparer.Ordinal))
        {
            IArchiveDestination destination = openDestination(group.Key);
            var present = new HashSet<string>(StringComparer.Ordinal);
            await foreach (string path in destination.ListAsync(string.Empty, cancellationToken).ConfigureAwait(false))
            {
                present.Add(path);
            }

            pending.AddRange(group.Where(e => present.Contains(e.File.File) || present.Contains(e.File.Manifest)));
        }

        return pending;
    }

    /// <summary>The model whose folder holds <paramref name="file"/> (<c>&lt;escaped model&gt;/&lt;yyyy-MM&gt;/…</c>); null for <c>_none</c>.</summary>
    internal static string? ModelOfPath(string file)
    {
        string folder = file.Split('/')[0];
        return folder == ArchivePaths.NoModelFolder ? null : Uri.UnescapeDataString(folder);
    }

    private static DateTimeOffset? MonthOf(string file)
    {
        string[] parts = file.Split('/');
        return parts.Length == 3 && DateTimeOffset.TryParseExact(parts[1], "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset month)
            ? month
            : null;
    }
}
