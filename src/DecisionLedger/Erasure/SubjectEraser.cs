using DecisionLedger.Entries;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Erasure;

/// <summary>
/// Erases a data subject: deletes the stored input and salt of every decision about it and the
/// subject's input key (when inputs are encrypted), in a v2 ledger also the subject's id→ref mapping row, then
/// appends an <c>erasure</c> event entry saying how many, why and at whose request (in a v2 ledger naming the
/// subject by its ref, never its id). Entries are never changed, so every leaf, root, checkpoint and proof still
/// verifies; the erased inputs' digests stay in their entries but can no longer be checked or reversed, and the
/// v2 entries' refs no longer lead to anybody.
/// </summary>
public static class SubjectEraser
{
    private const int PageSize = 1_000;

    /// <summary>Erases <paramref name="subjectId"/>'s stored inputs and records the erasure in the ledger.</summary>
    /// <param name="store">The opened, writable store the recorder appends to.</param>
    /// <param name="recorder">The ledger's recorder; the erasure entry goes through its single writer.</param>
    /// <param name="subjectId">The data subject (the decisions' <c>subject.id</c>).</param>
    /// <param name="reason">Why, e.g. <c>GDPR Art. 17 request</c>.</param>
    /// <param name="requestedBy">Who asked for the erasure.</param>
    /// <param name="cancellationToken">Cancels the search; once deletion starts the erasure runs to the end.</param>
    /// <returns>How many inputs were deleted and the erasure entry's seq.</returns>
    /// <exception cref="ArgumentException">An argument is empty; the message names it.</exception>
    /// <exception cref="UnknownSubjectException">No decision is about <paramref name="subjectId"/>, or its inputs were already erased.</exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    /// <remarks>
    /// Inputs are deleted before the event is appended: a crash in between leaves inputs erased
    /// without an event, and running the erasure again appends the event (with a count of 0). In a v2 ledger
    /// (the recorder writes <see cref="LedgerOptions.EntryFormat"/> 2) the mapping row goes before the event too, so
    /// no moment exists where the event is stored and the ref still leads to the id; a crash after the mapping is
    /// deleted leaves nothing that finds the subject's v2 decisions again, so a second run reports the subject unknown.
    /// </remarks>
    public static async ValueTask<ErasureResult> EraseAsync(
        ILedgerStore store,
        DecisionRecorder recorder,
        string subjectId,
        string reason,
        string requestedBy,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(recorder);

        // Validates subject, reason and requester before anything is deleted.
        LedgerEvent probe = LedgerEvent.ForErasure(new ErasureEvent(subjectId, 0, reason, requestedBy));

        List<long> seqs = await FindDecisionsAsync(store, subjectId, cancellationToken).ConfigureAwait(false);
        if (recorder.EntryFormat == LedgerEntry.Version2)
        {
            return await EraseV2Async(store, recorder, subjectId, seqs, probe.Erasure!).ConfigureAwait(false);
        }

        if (seqs.Count == 0)
        {
            throw new UnknownSubjectException(
                $"--subject: no decision in the ledger is about subject '{subjectId}'; check the id (it must equal the decisions' subject.id exactly), e.g. with 'dledger query --subject ID'.");
        }

        int deleted = await store.DeleteInputsAsync(seqs, CancellationToken.None).ConfigureAwait(false);

        // With encrypted inputs, any copy that escaped (a backup, an export) becomes unreadable too.
        await store.DeleteSubjectKeyAsync(subjectId, CancellationToken.None).ConfigureAwait(false);
        if (deleted == 0 && await FindErasureAsync(store, subjectId, cancellationToken: cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            throw new UnknownSubjectException(
                $"--subject: nothing to erase for subject '{subjectId}': the inputs of its {seqs.Count} decisions were already erased (erasure entry seq {earlier}). No new erasure entry was written.");
        }

        LedgerEvent erasure = LedgerEvent.ForErasure(probe.Erasure! with { DecisionsErased = deleted });
        RecordReceipt receipt = await recorder.RecordEventAsync(erasure, CancellationToken.None).ConfigureAwait(false);
        return new ErasureResult(subjectId, deleted, receipt.Seq, receipt.RequestId);
    }

    // v2: the subject's decisions are found through its mapping row, which is deleted (securely, as inputs) before the
    // event is appended; the event carries the ref the row held. The builder forgets the ref when it builds the event,
    // so a later decision about the same id gets a new ref and starts a new chain.
    private static async ValueTask<ErasureResult> EraseV2Async(ILedgerStore store, DecisionRecorder recorder, string subjectId, List<long> seqs, ErasureEvent details)
    {
        int deleted = seqs.Count == 0 ? 0 : await store.DeleteInputsAsync(seqs, CancellationToken.None).ConfigureAwait(false);
        await store.DeleteSubjectKeyAsync(subjectId, CancellationToken.None).ConfigureAwait(false);
        string? subjectRef = await store.DeleteSubjectRefAsync(subjectId, CancellationToken.None).ConfigureAwait(false);
        if (seqs.Count == 0 && subjectRef is null)
        {
            throw new UnknownSubjectException(
                $"--subject: no decision in the ledger is about subject '{subjectId}', or the subject was already erased (an erased subject's decisions cannot be found by its id any more); check the id (it must equal the decisions' subject.id exactly), e.g. with 'dledger query --subject ID'.");
        }

        // A subject whose decisions are all v1 (recorded before the switch) has no mapping row; the v2 event still
        // names no id, so it gets a ref of its own that leads nowhere.
        subjectRef ??= SubjectRefs.NewRef(CryptographicRandomSource.Instance);
        LedgerEvent erasure = LedgerEvent.ForErasure(details with { SubjectId = string.Empty, SubjectRef = subjectRef, DecisionsErased = deleted });
        RecordReceipt receipt = await recorder.RecordEventAsync(erasure, CancellationToken.None).ConfigureAwait(false);
        return new ErasureResult(subjectId, deleted, receipt.Seq, receipt.RequestId);
    }

    /// <summary>
    /// Returns the seq of the first erasure entry of <paramref name="subjectId"/> after
    /// <paramref name="afterSeq"/> (the erasure that removed the input of a decision at that seq),
    /// or null when there is none.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="subjectId">The data subject.</param>
    /// <param name="afterSeq">Only erasures with a greater seq count; default -1 (any).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The erasure entry's seq, or null.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async ValueTask<long?> FindErasureAsync(ILedgerStore store, string subjectId, long afterSeq = -1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(subjectId);
        long? found = null;
        var filter = new EntryFilter { SubjectId = subjectId, Kind = LedgerEvent.ErasureKind, Limit = int.MaxValue };
        await foreach (StoredEntry entry in store.QueryAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            // Newest first: the last one seen after afterSeq is the earliest.
            if (entry.Seq <= afterSeq)
            {
                break;
            }

            found = entry.Seq;
        }

        return found;
    }

    private static async Task<List<long>> FindDecisionsAsync(ILedgerStore store, string subjectId, CancellationToken cancellationToken)
    {
        var seqs = new List<long>();
        long? before = null;
        while (true)
        {
            var filter = new EntryFilter { SubjectId = subjectId, Kind = EntryColumns.DecisionKind, BeforeSeq = before, Limit = PageSize };
            int page = 0;
            await foreach (StoredEntry entry in store.QueryAsync(filter, cancellationToken).ConfigureAwait(false))
            {
                seqs.Add(entry.Seq);
                before = entry.Seq;
                page++;
            }

            if (page < PageSize)
            {
                return seqs;
            }
        }
    }
}
