using DecisionLedger.Checkpoints;
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
/// Reads the store in pages of 4,096 entries, one range query each for entries, tiles and inputs,
/// on one worker per core (at least two, so reading overlaps hashing): each worker parses, hashes
/// and, with <see cref="VerificationOptions.CheckCanonicalForm"/>, checks the canonical form of its
/// page's entries and hashes its stored inputs. The pages are then merged in order into the Merkle
/// tree and the checks that depend on order, so the report (first bad <c>seq</c>, kind, counts) is
/// the same as a one-entry-at-a-time pass. At most about twice the worker count of pages is held at
/// once, so memory is bounded (see <see cref="TamperClassifier"/> for the request-id set). Stores
/// must allow concurrent reads, as the SQLite and PostgreSQL stores do.
/// </remarks>
public sealed class LedgerVerifier
{
    // Findings are resolved at this granularity (an input finding stops at the end of its chunk).
    private const int ChunkSize = 65_536;
    private const int DefaultPageSize = 4_096;

    private readonly int _pageSize;
    private readonly int _workers;

    /// <summary>Creates a verifier that uses every core.</summary>
    public LedgerVerifier()
        : this(DefaultPageSize, Math.Clamp(Environment.ProcessorCount, 2, 16))
    {
    }

    /// <summary>Creates a verifier with a given page size and worker count (tests use small pages).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> does not divide 65,536, or <paramref name="workers"/> is below 1.</exception>
    internal LedgerVerifier(int pageSize, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (ChunkSize % pageSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must divide 65,536.");
        }

        _pageSize = pageSize;
        _workers = workers;
    }

    /// <summary>Verifies <paramref name="store"/> against the ledger's key and origin.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="verifier">The ledger's verifier key; only checkpoints it signed are trusted.</param>
    /// <param name="origin">The ledger's origin name.</param>
    /// <param name="options">Options; default <see cref="VerificationOptions"/> (full verification).</param>
    /// <param name="progress">Receives progress after every page (4,096 entries); optional. Reported from the calling flow, never concurrently.</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The report; <see cref="VerificationReport.FirstFinding"/> names the first problem.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="VerificationOptions.MaxParallelism"/> is below 1, or
    /// <see cref="VerificationOptions.FromCheckpoint"/> is not the size of a checkpoint signed by <paramref name="verifier"/> within the ledger.
    /// </exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    /// <exception cref="NoteVerificationException"><see cref="VerificationOptions.TrustedCheckpoint"/> is not a checkpoint signed by <paramref name="verifier"/> for <paramref name="origin"/>.</exception>
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
        if (options.MaxParallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxParallelism, "MaxParallelism: must be at least 1, or null for one worker per core.");
        }

        long started = options.TimeProvider.GetTimestamp();

        // Entries moved to archives are read back from their files and checked like live ones.
        (store, ArchiveVerification? archives) = await ArchiveVerification.AttachAsync(store, verifier, options, cancellationToken).ConfigureAwait(false);
        if (archives is not null)
        {
            await archives.CheckFilesAsync(cancellationToken).ConfigureAwait(false);
        }

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
        if (options.TrustedCheckpoint is { } trustedNote)
        {
            classifier.AddTrusted(CheckpointNote.Open(trustedNote, verifier, origin));
        }

        ExpiredSpans? expired = archives?.Expired;
        var merger = new PageMerger(store, classifier, options, size, await ReadInputRetentionAsync(store, cancellationToken).ConfigureAwait(false), expired);
        int workers = options.MaxParallelism ?? _workers;
        var pipeline = new PagePipeline(store, options, start, size, _pageSize, workers, cancellationToken, expired);
        await using (pipeline.ConfigureAwait(false))
        {
            while (await pipeline.NextAsync().ConfigureAwait(false) is { } page)
            {
                bool more;
                using (page)
                {
                    bool endsChunk = page.End == size || (page.End - start) % ChunkSize == 0;
                    more = await merger.MergeAsync(page, endsChunk, cancellationToken).ConfigureAwait(false);
                }

                progress?.Report(new VerificationProgress(classifier.Position - start, size - start));
                if (!more)
                {
                    break;
                }
            }
        }

        TamperFinding? first = classifier.Complete();
        if (merger.InputFinding is { } inputFinding && (first is null || inputFinding.Seq < first.Seq))
        {
            first = inputFinding;
        }

        // Only a pass that reached the end has seen every erasure event that could cover a missing input.
        if (first is null)
        {
            first = merger.CompleteInputs();
        }

        // Rows of derived tables that no entry accounts for are only certain once every entry was seen.
        if (first is null)
        {
            first = await DerivedRowCheck.FindStrayRowAsync(store, classifier.TreeSize, cancellationToken).ConfigureAwait(false);
        }

        // Expired files' spans must lack exactly their rows: an event entry deleted inside one is not expiry.
        if (first is null && expired is not null)
        {
            first = expired.Complete(classifier.TreeSize);
        }

        if (archives is not null)
        {
            first = await archives.ResolveAsync(first, cancellationToken).ConfigureAwait(false);
        }

        // Every checkpoint is verified by now; what lies beyond the newest is tampering only after a clean close.
        UncoveredTail? uncovered = null;
        if (first is null)
        {
            long covered = checkpoints.Count == 0 ? 0 : checkpoints.Max(c => c.TreeSize);
            uncovered = await UncoveredTail.FindAsync(store, classifier.TreeSize, covered, cancellationToken).ConfigureAwait(false);
            if (uncovered is { AfterCleanClose: true })
            {
                first = new TamperFinding(uncovered.FirstSeq, TamperKind.EntryUncovered,
                    $"{uncovered.Count} entries from seq {uncovered.FirstSeq} on are covered by no signed checkpoint, yet the last recorder closed the ledger cleanly at tree size {uncovered.ClosedCleanlyAt}, " +
                    "after its final checkpoint: no recorder wrote them; they were appended to the database directly.");
            }
        }

        return new VerificationReport(
            first is null,
            classifier.TreeSize - start,
            classifier.CheckpointsVerified,
            merger.InputsVerified,
            classifier.TreeSize,
            classifier.Root,
            first,
            options.TimeProvider.GetElapsedTime(started))
        {
            InputsNotChecked = merger.InputsNotChecked,
            UncoveredTail = uncovered,
            Expired = expired is null ? null : new ExpiredArchives(expired.Decisions, expired.Files, expired.EventSeqs),
        };
    }

    // Inputs the retention policy deleted are missing by policy; the events saying so are read up front (they are few) and
    // checked like every other entry in the scan. One that cannot be read covers nothing and is reported at its seq.
    private static async Task<List<(long Seq, Retention.InputRetentionEvent Event)>> ReadInputRetentionAsync(ILedgerStore store, CancellationToken cancellationToken)
    {
        var events = new List<(long Seq, Retention.InputRetentionEvent Event)>();
        await foreach (StoredEntry entry in store.QueryAsync(new EntryFilter { Kind = Entries.LedgerEvent.InputRetentionKind, Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (Entries.EventCanonicalizer.Parse(entry.CanonicalBytes).Event.InputRetention is { } retention)
                {
                    events.Add((entry.Seq, retention));
                }
            }
            catch (FormatException)
            {
            }
        }

        return events;
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
