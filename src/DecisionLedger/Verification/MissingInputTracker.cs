using DecisionLedger.Entries;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// Finds decisions whose stored input is gone without an erasure event to say why.
/// </summary>
/// <remarks>
/// Every decision commits to an input (<c>inputDigest</c>) and the recorder stores it in the same
/// transaction, so a missing input was deleted. Erasure deletes a subject's inputs and then appends
/// an <c>erasure</c> event naming the subject; that event covers every earlier decision of the
/// subject. An erasure comes after the decisions it covers, so a missing input is held as pending
/// per subject (only the lowest <c>seq</c>: memory grows with subjects, not entries) until an erasure
/// of its subject turns up, and reported at the end if none did. A decision without a subject
/// cannot be erased, so its missing input is reported at once. An <c>input-retention</c> event
/// (known before the scan: such events are few) covers the inputs the retention policy deleted.
/// </remarks>
internal sealed class MissingInputTracker(IReadOnlyList<(long Seq, Retention.InputRetentionEvent Event)>? retention = null)
{
    private readonly Dictionary<string, long> _pendingBySubject = new(StringComparer.Ordinal);
    private TamperFinding? _withoutSubject;

    /// <summary>Scans the accepted entries of a page against the page's stored inputs.</summary>
    /// <param name="page">The page.</param>
    /// <param name="firstPosition">The position of the page's first entry in the classifier.</param>
    /// <param name="acceptedEnd">One past the last entry the classifier accepted.</param>
    /// <returns>A finding certain already (a decision without a subject lost its input), or null.</returns>
    public TamperFinding? Scan(VerificationPage page, long firstPosition, long acceptedEnd)
    {
        if (_withoutSubject is not null)
        {
            return _withoutSubject;
        }

        long end = Math.Min(acceptedEnd, firstPosition + page.Entries.Count);
        int next = 0;
        List<StoredInput> inputs = page.Inputs;
        for (long seq = firstPosition; seq < end; seq++)
        {
            // Accepted entries sit at their own seq, so the row is seq - firstPosition.
            int row = (int)(seq - firstPosition);
            EntryColumns columns = page.Entries[row].Columns;
            if (columns.Kind == LedgerEvent.ErasureKind)
            {
                if (columns.SubjectId is { } erased)
                {
                    _pendingBySubject.Remove(erased);
                }

                continue;
            }

            if (page.Check(row).Fields.InputDigest is null)
            {
                continue;
            }

            while (next < inputs.Count && inputs[next].Seq < seq)
            {
                next++;
            }

            if (next < inputs.Count && inputs[next].Seq == seq)
            {
                continue;
            }

            // Deleted by the retention policy: an input-retention event after it covers its model and age.
            if (retention is not null && retention.Any(r => r.Seq > seq && r.Event.Covers(seq, Retention.RetentionPolicy.ModelOf(columns), columns.Timestamp)))
            {
                continue;
            }

            if (columns.SubjectId is not { } subject)
            {
                _withoutSubject = new TamperFinding(seq, TamperKind.InputMissing, $"The decision at seq {seq} commits to an input (inputDigest), but no input is stored for it and it has no subject an erasure could name: the stored input was deleted outside DecisionLedger.");
                return _withoutSubject;
            }

            _pendingBySubject.TryAdd(subject, seq);
        }

        return null;
    }

    /// <summary>The lowest missing input no erasure covered, or null.</summary>
    public TamperFinding? Complete()
    {
        if (_withoutSubject is not null)
        {
            return _withoutSubject;
        }

        if (_pendingBySubject.Count == 0)
        {
            return null;
        }

        (string subject, long seq) = _pendingBySubject.MinBy(static pair => pair.Value);
        return new TamperFinding(seq, TamperKind.InputMissing, $"The decision at seq {seq} (subject '{subject}') commits to an input, but no input is stored for it and no later erasure event names subject '{subject}': the stored input was deleted outside DecisionLedger. If an erasure of '{subject}' was interrupted, run 'dledger erase --subject {subject}' again to record its event.");
    }
}
