namespace DecisionLedger.Verification;

/// <summary>
/// A gap in the <c>seq</c> order (the entry at a position claims a later <c>seq</c>), followed
/// until it is certain whether the missing entries were deleted, moved (two entries swapped) or
/// pushed down by an extra entry inserted at the gap.
/// </summary>
/// <param name="position">The position where the expected seq was missing.</param>
/// <param name="foundSeq">The seq found there instead.</param>
internal sealed class SeqGap(long position, long foundSeq)
{
    // How far past a gap to look for the missing seq before calling it deleted rather than moved.
    private const int Window = 65_536;

    private long _foundAt = -1;

    /// <summary>Consumes the entry at <paramref name="at"/> after the gap.</summary>
    /// <returns>The finding once it is certain; null while more entries are needed.</returns>
    public TamperFinding? Scan(long at, in EntryCheck check)
    {
        bool missingSeqHere = check.Readable && check.Fields.Seq == position;
        if (_foundAt < 0)
        {
            if (missingSeqHere)
            {
                _foundAt = at;
            }
            else if (at - position > Window)
            {
                return Deleted();
            }

            return null;
        }

        // The missing seq turned up at _foundAt. If the entries after it are shifted by one, an extra
        // entry was inserted at the gap; if they are back in place, two entries were swapped.
        return check.Readable && check.Fields.Seq == _foundAt ? Inserted() : Reordered();
    }

    /// <summary>The finding when the entries end before the gap was settled.</summary>
    public TamperFinding Complete() =>
        _foundAt < 0 ? Deleted() : foundSeq == _foundAt ? Reordered() : Inserted();

    private TamperFinding Deleted() =>
        new(position, TamperKind.EntryDeleted, foundSeq == position + 1
            ? $"Expected the entry with seq {position} but the next entry has seq {foundSeq}: the entry with seq {position} was deleted."
            : $"Expected the entry with seq {position} but the next entry has seq {foundSeq}: the entries with seq {position} to {foundSeq - 1} were deleted.");

    private TamperFinding Reordered() =>
        new(position, TamperKind.EntriesReordered, $"Expected the entry with seq {position} but found seq {foundSeq}, and seq {position} appears later at position {_foundAt}: the entries were reordered.");

    private TamperFinding Inserted() =>
        new(position, TamperKind.EntryInserted, $"Expected the entry with seq {position} but found an extra entry claiming seq {foundSeq}, and every later entry is shifted one position: an entry was inserted.");
}
