using DecisionLedger.Completeness;
using DecisionLedger.Entries;
using DecisionLedger.Heads;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Reporting;

/// <summary>
/// Builds the completeness proof of a subject's chain (<c>s:&lt;ref&gt;</c>) against a report's checkpoint and
/// checks it against the ledger's own entries, the way <c>verify --bundle</c> checks an exported one.
/// </summary>
internal static class SubjectCompletenessProver
{
    /// <summary>The outcome for <paramref name="subjectId"/> at the checkpoint of size <paramref name="treeSize"/>; null on an entry format 1 ledger.</summary>
    public static async Task<SubjectCompleteness?> ProveAsync(ILedgerStore store, string subjectId, long treeSize, CancellationToken cancellationToken)
    {
        if (await store.FindFirstEventAsync(LedgerEvent.FormatKind, cancellationToken).ConfigureAwait(false) is not { } switchSeq)
        {
            return null;
        }

        StoredEntry format = await store.GetEntryAsync(switchSeq, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"seq {switchSeq}: the ledger's 'format' event is indexed but its entry is missing; run 'dledger verify' on the ledger.");
        DateTimeOffset since = format.Columns.Timestamp;
        if (switchSeq >= treeSize)
        {
            return new SubjectCompleteness(SubjectCompletenessOutcome.CheckpointBeforeSwitch, since, null, null, null, null,
                $"the checkpoint of tree size {treeSize} was signed before the ledger switched to entry format 2 at seq {switchSeq}, so no heads entry lies under it; sign a new checkpoint ('dledger checkpoint --new') and report again");
        }

        IReadOnlyDictionary<string, string> refs = await store.GetSubjectRefsAsync([subjectId], cancellationToken).ConfigureAwait(false);
        if (!refs.TryGetValue(subjectId, out string? subjectRef))
        {
            return new SubjectCompleteness(SubjectCompletenessOutcome.SubjectUnknown, since, null, null, null, null,
                $"the ledger holds no ref for subject '{subjectId}': no decision about it was recorded since the switch to entry format 2 (or it was erased), so there is no chain to prove complete");
        }

        CompletenessProof proof;
        try
        {
            proof = await CompletenessProofBuilder.BuildAsync(store, ChainKeys.Subject(subjectRef), treeSize, from: null, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return new SubjectCompleteness(SubjectCompletenessOutcome.Failed, since, subjectRef, null, null, null, e.Message);
        }

        (CompletenessResult? result, TamperFinding? finding) = await CompletenessProofChecker.CheckAsync(store, proof, cancellationToken).ConfigureAwait(false);
        return result is not null
            ? new SubjectCompleteness(SubjectCompletenessOutcome.Proven, since, subjectRef, proof, result, null, null)
            : new SubjectCompleteness(SubjectCompletenessOutcome.Failed, since, subjectRef, proof, null, finding, finding?.Detail ?? "the completeness proof does not check");
    }

    /// <summary>A tamper kind as scripts see it: kebab-case, e.g. <c>chain-broken</c> (as <c>dledger verify</c> prints it).</summary>
    public static string KindName(TamperKind kind)
    {
        string name = kind.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
