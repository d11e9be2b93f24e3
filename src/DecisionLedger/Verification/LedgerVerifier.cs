using DecisionLedger.Checkpoints;
using DecisionLedger.Encryption;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// Verifies a whole ledger store: every leaf recomputed from the stored bytes and compared with the
/// stored leaf hash and the level-0 tiles, every checkpoint's signature and root, <c>seq</c>
/// contiguity, <c>requestId</c> uniqueness, and every stored input against its entry's
/// <c>inputDigest</c>. Names the first bad <c>seq</c> and the kind of tampering.
/// </summary>
/// <remarks>
/// Streams the store in chunks of 65,536 entries, so memory is bounded (see <see cref="TamperClassifier"/>
/// for the request-id set). Entries and inputs are read one after the other, never with two readers
/// open at once.
/// </remarks>
public sealed class LedgerVerifier
{
    private const int ChunkSize = 65_536;

    /// <summary>Verifies <paramref name="store"/> against the ledger's key and origin.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="verifier">The ledger's verifier key; only checkpoints it signed are trusted.</param>
    /// <param name="origin">The ledger's origin name.</param>
    /// <param name="options">Options; default <see cref="VerificationOptions"/> (full verification).</param>
    /// <param name="progress">Receives progress about every 65,536 entries; optional.</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The report; <see cref="VerificationReport.FirstFinding"/> names the first problem.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="VerificationOptions.FromCheckpoint"/> is not the size of a checkpoint signed by <paramref name="verifier"/> within the ledger.
    /// </exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public async ValueTask<VerificationReport> VerifyAsync(
        ILedgerStore store,
        NoteVerifier verifier,
        string origin,
        VerificationOptions? options = null,
        IProgress<VerificationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(origin);
        options ??= new VerificationOptions();
        long started = options.TimeProvider.GetTimestamp();

        long size = await store.GetSizeAsync(cancellationToken).ConfigureAwait(false);
        var checkpoints = new List<StoredCheckpoint>();
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            checkpoints.Add(checkpoint);
        }

        MerkleTree tree;
        long start = options.FromCheckpoint ?? 0;
        if (start > 0)
        {
            Checkpoint trusted = FindTrusted(checkpoints, verifier, origin, start, size);
            tree = await LedgerTreeLoader.LoadAsync(store, start, cancellationToken).ConfigureAwait(false);
            if (tree.Root != trusted.RootHash)
            {
                var finding = new TamperFinding(0, TamperKind.ContentChanged, $"The store's Merkle tiles up to tree size {start} give root {tree.Root.ToBase64()}, but the trusted checkpoint says {trusted.RootHash.ToBase64()}: entries before seq {start} were changed. Run a full verification to locate the entry.");
                return new VerificationReport(false, 0, 0, 0, start, null, finding, options.TimeProvider.GetElapsedTime(started));
            }
        }
        else
        {
            tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        }

        var classifier = new TamperClassifier(verifier, origin, checkpoints, tree, options.CheckCanonicalForm);
        var digests = new Sha256Hash?[ChunkSize];
        var subjects = new string?[ChunkSize];
        var subjectKeys = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        long inputsNotChecked = 0;
        TamperFinding? inputFinding = null;
        long inputsVerified = 0;
        bool stopped = false;
        Tile? tile = null;
        long tileIndex = -1;
        for (long chunkStart = start; chunkStart < size && !stopped; chunkStart += ChunkSize)
        {
            long chunkEnd = Math.Min(size, chunkStart + ChunkSize);
            long firstPosition = classifier.Position;
            await foreach (StoredEntry entry in store.ReadEntriesAsync(chunkStart, chunkEnd, cancellationToken).ConfigureAwait(false))
            {
                long position = classifier.Position;
                if (position / Tile.Width != tileIndex)
                {
                    tileIndex = position / Tile.Width;
                    tile = (tileIndex + 1) * Tile.Width <= size
                        ? await store.ReadTileAsync(new TileId(0, tileIndex), cancellationToken).ConfigureAwait(false)
                        : null;
                }

                Sha256Hash? tileLeaf = tile?.GetNode(0, (int)(position % Tile.Width));
                bool more = classifier.Add(entry.Seq, entry.CanonicalBytes, entry.LeafHash, tileLeaf);
                if (classifier.TreeSize > position)
                {
                    digests[position - firstPosition] = classifier.LastInputDigest;
                    subjects[position - firstPosition] = entry.Columns.SubjectId;
                }

                if (!more)
                {
                    stopped = true;
                    break;
                }
            }

            List<(StoredInput Input, string Subject)>? deferred = null;
            if (options.CheckInputs && inputFinding is null)
            {
                long acceptedEnd = classifier.TreeSize;
                await foreach (StoredInput input in store.ReadInputsAsync(chunkStart, chunkEnd, cancellationToken).ConfigureAwait(false))
                {
                    if (input.Seq < firstPosition || input.Seq >= acceptedEnd)
                    {
                        continue;
                    }

                    StoredInput checkable = input;
                    if (InputEncryption.IsEncrypted(input.Input))
                    {
                        string? subject = subjects[input.Seq - firstPosition];
                        if (options.MasterKey is null || subject is null)
                        {
                            inputsNotChecked++;
                            continue;
                        }

                        if (!subjectKeys.TryGetValue(subject, out byte[]? key))
                        {
                            // Keys are fetched after this reader closes: never two readers at once.
                            (deferred ??= []).Add((input, subject));
                            continue;
                        }

                        if (key is null)
                        {
                            inputsNotChecked++;
                            continue;
                        }

                        if (!InputEncryption.TryDecrypt(key, input, out StoredInput? plain))
                        {
                            inputFinding = Undecryptable(input.Seq, subject);
                            break;
                        }

                        checkable = plain!;
                    }

                    inputsVerified++;
                    inputFinding = CheckInput(checkable, digests[input.Seq - firstPosition]);
                    if (inputFinding is not null)
                    {
                        break;
                    }
                }

                if (deferred is not null)
                {
                    await LoadKeysAsync(store, options.MasterKey!, deferred.Select(d => d.Subject), subjectKeys, cancellationToken).ConfigureAwait(false);
                    foreach ((StoredInput encrypted, string subject) in deferred)
                    {
                        if (inputFinding is not null && inputFinding.Seq < encrypted.Seq)
                        {
                            break;
                        }

                        TamperFinding? finding;
                        if (subjectKeys[subject] is not { } key)
                        {
                            inputsNotChecked++;
                            continue;
                        }
                        else if (!InputEncryption.TryDecrypt(key, encrypted, out StoredInput? plain))
                        {
                            finding = Undecryptable(encrypted.Seq, subject);
                        }
                        else
                        {
                            inputsVerified++;
                            finding = CheckInput(plain!, digests[encrypted.Seq - firstPosition]);
                        }

                        if (finding is not null)
                        {
                            inputFinding = inputFinding is null || finding.Seq < inputFinding.Seq ? finding : inputFinding;
                            break;
                        }
                    }

                    deferred = null;
                }

                stopped |= inputFinding is not null;
            }

            progress?.Report(new VerificationProgress(classifier.Position - start, size - start));
        }

        TamperFinding? first = classifier.Complete();
        if (inputFinding is not null && (first is null || inputFinding.Seq < first.Seq))
        {
            first = inputFinding;
        }

        return new VerificationReport(
            first is null,
            classifier.TreeSize - start,
            classifier.CheckpointsVerified,
            inputsVerified,
            classifier.TreeSize,
            classifier.Root,
            first,
            options.TimeProvider.GetElapsedTime(started))
        {
            InputsNotChecked = inputsNotChecked,
        };
    }

    private static async ValueTask LoadKeysAsync(ILedgerStore store, MasterKey masterKey, IEnumerable<string> subjects, Dictionary<string, byte[]?> cache, CancellationToken cancellationToken)
    {
        List<string> missing = [.. subjects.Where(s => !cache.ContainsKey(s)).Distinct(StringComparer.Ordinal)];
        IReadOnlyDictionary<string, byte[]> wrapped = await store.GetSubjectKeysAsync(missing, cancellationToken).ConfigureAwait(false);
        foreach (string subject in missing)
        {
            // A subject without a key was erased: its remaining encrypted inputs cannot be checked.
            cache[subject] = wrapped.TryGetValue(subject, out byte[]? key) ? masterKey.Unwrap(subject, key) : null;
        }
    }

    private static TamperFinding Undecryptable(long seq, string subject) =>
        new(seq, TamperKind.InputAltered, $"The encrypted stored input of seq {seq} does not decrypt under the key of subject '{subject}': the ciphertext was altered or moved from another entry.");

    private static TamperFinding? CheckInput(StoredInput input, Sha256Hash? inputDigest)
    {
        if (inputDigest is not { } expected)
        {
            return new TamperFinding(input.Seq, TamperKind.InputAltered, $"An input is stored for seq {input.Seq}, but that entry commits to no input (it has no inputDigest).");
        }

        if (!EntryFields.InputMatches(input.Salt, input.Input, expected, out Sha256Hash found))
        {
            return new TamperFinding(input.Seq, TamperKind.InputAltered, $"The stored input of seq {input.Seq} hashes with its salt to {found.ToHex()}, but the entry's inputDigest is {expected.ToHex()}: the input or its salt was altered.");
        }

        return null;
    }

    private static Checkpoint FindTrusted(List<StoredCheckpoint> checkpoints, NoteVerifier verifier, string origin, long start, long size)
    {
        if (start > size)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"FromCheckpoint: {start} is beyond the ledger's {size} entries.");
        }

        foreach (StoredCheckpoint stored in checkpoints)
        {
            if (stored.TreeSize != start)
            {
                continue;
            }

            try
            {
                Checkpoint checkpoint = CheckpointNote.Open(stored.SignedNote, verifier, origin);
                if (checkpoint.Size == start)
                {
                    return checkpoint;
                }
            }
            catch (NoteVerificationException)
            {
                // A forged copy does not make the size trusted; another stored checkpoint may.
            }
        }

        throw new ArgumentOutOfRangeException(nameof(start), start, $"FromCheckpoint: no checkpoint of tree size {start} signed by '{verifier.Name}' is stored; pass the size of a checkpoint verified earlier, or verify fully.");
    }
}
