using DecisionLedger.Encryption;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// The ordered half of verification: feeds each page's entries to the <see cref="TamperClassifier"/>
/// in storage order, then checks the page's stored inputs against the entries it accepted. Whatever
/// depends on order (positions, the request-id set, the tree, checkpoints, which finding comes
/// first) happens here; everything else was done when the page was loaded.
/// </summary>
internal sealed class PageMerger(ILedgerStore store, TamperClassifier classifier, VerificationOptions options, long size, IReadOnlyList<(long Seq, Retention.InputRetentionEvent Event)>? retention = null, ExpiredSpans? expired = null)
{
    private readonly Dictionary<string, byte[]?> _subjectKeys = new(StringComparer.Ordinal);
    private readonly MissingInputTracker _missingInputs = new(retention);
    private bool _classifierStopped;
    private Tile? _tile;
    private long _tileIndex = -1;

    /// <summary>The first input finding, if any.</summary>
    public TamperFinding? InputFinding { get; private set; }

    /// <summary>
    /// Called once every page was merged: the first decision whose stored input is missing and that
    /// no later erasure event of its subject covered, or null.
    /// </summary>
    public TamperFinding? CompleteInputs() => options.CheckInputs ? _missingInputs.Complete() : null;

    /// <summary>Stored inputs checked.</summary>
    public long InputsVerified { get; private set; }

    /// <summary>Encrypted stored inputs not checked (no master key, or the subject key is gone).</summary>
    public long InputsNotChecked { get; private set; }

    /// <summary>Merges one page; returns false when verification can stop after it.</summary>
    /// <param name="page">The next page in order.</param>
    /// <param name="endsChunk">
    /// Whether the page ends a 65,536-entry chunk. An input finding stops verification at the end of
    /// its chunk, as it always has, so a changed entry later in the chunk can still be named first.
    /// </param>
    /// <param name="cancellationToken">Cancels the merge.</param>
    public async ValueTask<bool> MergeAsync(VerificationPage page, bool endsChunk, CancellationToken cancellationToken)
    {
        long firstPosition = classifier.Position;
        if (!_classifierStopped)
        {
            for (int i = 0; i < page.Entries.Count; i++)
            {
                StoredEntry entry = page.Entries[i];
                Sha256Hash? tileLeaf = await TileLeafAsync(page, classifier.Position, cancellationToken).ConfigureAwait(false);
                if (!classifier.Add(entry.Seq, entry.CanonicalBytes, in page.Check(i), entry.LeafHash, tileLeaf, entry.Columns, page.DerivedMismatch(i)))
                {
                    _classifierStopped = true;
                    break;
                }

                if (page.Check(i).IsExpired && classifier.TreeSize == entry.Seq + 1)
                {
                    expired?.Accepted(entry.Seq);
                }
            }
        }

        if (options.CheckInputs && InputFinding is null)
        {
            await CheckInputsAsync(page, firstPosition, classifier.TreeSize, cancellationToken).ConfigureAwait(false);
        }

        if (options.CheckInputs && InputFinding is null)
        {
            InputFinding = _missingInputs.Scan(page, firstPosition, classifier.TreeSize);
        }

        return !_classifierStopped && (InputFinding is null || !endsChunk);
    }

    private async ValueTask<Sha256Hash?> TileLeafAsync(VerificationPage page, long position, CancellationToken cancellationToken)
    {
        long tileIndex = position / Tile.Width;
        long inPage = tileIndex - page.FirstTile;
        Tile? tile;
        if (inPage >= 0 && inPage < page.Tiles.Length)
        {
            tile = page.Tiles[inPage];
        }
        else
        {
            // Positions only leave the page's range when rows are missing or extra: read the tile here.
            if (tileIndex != _tileIndex)
            {
                _tileIndex = tileIndex;
                _tile = (tileIndex + 1) * Tile.Width <= size
                    ? await store.ReadTileAsync(new TileId(0, tileIndex), cancellationToken).ConfigureAwait(false)
                    : null;
            }

            tile = _tile;
        }

        return tile?.GetNode(0, (int)(position % Tile.Width));
    }

    private async ValueTask CheckInputsAsync(VerificationPage page, long firstPosition, long acceptedEnd, CancellationToken cancellationToken)
    {
        bool keysLoaded = false;
        for (int i = 0; i < page.Inputs.Count; i++)
        {
            StoredInput input = page.Inputs[i];
            if (input.Seq < firstPosition || input.Seq >= acceptedEnd)
            {
                continue;
            }

            // Accepted entries sit at their own seq, so the entry this input commits to is row seq - firstPosition.
            int row = (int)(input.Seq - firstPosition);
            Sha256Hash? expected = page.Check(row).Fields.InputDigest;
            StoredInput checkable = input;
            if (InputEncryption.IsEncrypted(input.Input))
            {
                string? subject = page.Entries[row].Columns.SubjectId;
                if (options.MasterKey is null || subject is null)
                {
                    InputsNotChecked++;
                    continue;
                }

                if (!keysLoaded && !_subjectKeys.ContainsKey(subject))
                {
                    await LoadKeysAsync(page, firstPosition, acceptedEnd, cancellationToken).ConfigureAwait(false);
                    keysLoaded = true;
                }

                if (_subjectKeys[subject] is not { } key)
                {
                    InputsNotChecked++;
                    continue;
                }

                if (!InputEncryption.TryDecrypt(key, input, out StoredInput? plain))
                {
                    InputFinding = Undecryptable(input.Seq, subject);
                    return;
                }

                checkable = plain!;
            }

            InputsVerified++;
            InputCheck ahead = page.InputCheck(i);
            InputFinding = ahead.Expected is { } checkedAgainst && expected == checkedAgainst && ReferenceEquals(checkable, input)
                ? (ahead.Matches ? null : Altered(input.Seq, ahead.Found, checkedAgainst))
                : CheckInput(checkable, expected);
            if (InputFinding is not null)
            {
                return;
            }
        }
    }

    // One key query per page, for every subject of the page's encrypted inputs not yet known.
    private async ValueTask LoadKeysAsync(VerificationPage page, long firstPosition, long acceptedEnd, CancellationToken cancellationToken)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (StoredInput input in page.Inputs)
        {
            if (input.Seq >= firstPosition && input.Seq < acceptedEnd && InputEncryption.IsEncrypted(input.Input)
                && page.Entries[(int)(input.Seq - firstPosition)].Columns.SubjectId is { } subject && !_subjectKeys.ContainsKey(subject))
            {
                missing.Add(subject);
            }
        }

        IReadOnlyDictionary<string, byte[]> wrapped = await store.GetSubjectKeysAsync(missing, cancellationToken).ConfigureAwait(false);
        foreach (string subject in missing)
        {
            // A subject without a key was erased: its remaining encrypted inputs cannot be checked.
            _subjectKeys[subject] = wrapped.TryGetValue(subject, out byte[]? key) ? options.MasterKey!.Unwrap(subject, key) : null;
        }
    }

    private static TamperFinding Undecryptable(long seq, string subject) =>
        new(seq, TamperKind.InputAltered, $"The encrypted stored input of seq {seq} does not decrypt under the key of subject '{subject}': the ciphertext was altered or moved from another entry.");

    private static TamperFinding Altered(long seq, Sha256Hash found, Sha256Hash expected) =>
        new(seq, TamperKind.InputAltered, $"The stored input of seq {seq} hashes with its salt to {found.ToHex()}, but the entry's inputDigest is {expected.ToHex()}: the input or its salt was altered.");

    private static TamperFinding? CheckInput(StoredInput input, Sha256Hash? inputDigest)
    {
        if (inputDigest is not { } expected)
        {
            return new TamperFinding(input.Seq, TamperKind.InputAltered, $"An input is stored for seq {input.Seq}, but that entry commits to no input (it has no inputDigest).");
        }

        return EntryFields.InputMatches(input.Salt, input.Input, expected, out Sha256Hash found) ? null : Altered(input.Seq, found, expected);
    }
}
