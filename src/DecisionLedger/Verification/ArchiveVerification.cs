using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// The archive half of <see cref="LedgerVerifier"/>: entries the live store no longer holds because
/// they were archived are read from the archive files (through <see cref="ArchiveBackedLedgerStore"/>)
/// and checked exactly as live ones; this class adds the checks of each file as a whole (present,
/// committed digest and row count, manifest signed by the ledger's key, rows in seq order, nothing
/// unlisted) and names the archive file in every finding about an archived seq.
/// </summary>
internal sealed class ArchiveVerification
{
    private readonly ArchiveBackedLedgerStore _store;
    private readonly List<(TamperFinding Finding, ArchiveCatalogFile? File, bool Weak)> _fileFindings = [];
    private readonly List<(TamperFinding Finding, ArchiveCatalogFile? File, bool Weak)> _catalogFindings = [];
    private readonly List<(TamperFinding Finding, ArchiveCatalogFile? File, bool Weak)> _unlistedFindings = [];
    private readonly Dictionary<ArchiveCatalogFile, List<(TamperFinding Finding, ArchiveCatalogFile? File, bool Weak)>> _checked = [];
    private readonly Lock _gate = new();

    private ArchiveVerification(ArchiveBackedLedgerStore store)
    {
        _store = store;
        Expired = store.Catalog.Expired.Count == 0 ? null : new ExpiredSpans(store.Catalog.Expired);
    }

    /// <summary>The spans of archive files the retention policy deleted, or null when none expired.</summary>
    public ExpiredSpans? Expired { get; }

    /// <summary>Wraps <paramref name="store"/> in a non-strict archive view when the ledger archived anything.</summary>
    /// <returns>The store to verify and the archive checks, or the store unchanged and null.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async ValueTask<(ILedgerStore Store, ArchiveVerification? Archives)> AttachAsync(ILedgerStore store, NoteVerifier verifier, VerificationOptions options, CancellationToken cancellationToken)
    {
        if (store is ArchiveBackedLedgerStore view)
        {
            var lenient = new ArchiveBackedLedgerStore(view.Live, view.Archives, strict: false);
            return (lenient, new ArchiveVerification(lenient));
        }

        ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        if (catalog.IsEmpty)
        {
            return (store, null);
        }

        var reader = new ArchiveReader(catalog, options.OpenArchiveDestination ?? ArchiveDestinationDefaults.Open, verifier);
        var archived = new ArchiveBackedLedgerStore(store, reader, strict: false);
        return (archived, new ArchiveVerification(archived));
    }

    /// <summary>The number of archive files the ledger commits to.</summary>
    public int FileCount => _store.Catalog.Files.Count;

    /// <summary>
    /// Starts the checks of every archive file as a whole and looks for unlisted files. Each file is checked
    /// as the entry pass reads it (one read per file, not two: a ledger's archive easily outgrows the
    /// reader's cache); <see cref="ResolveAsync"/> reads the files the pass did not need.
    /// </summary>
    /// <exception cref="LedgerStoreException">A destination failed.</exception>
    public async ValueTask CheckFilesAsync(CancellationToken cancellationToken)
    {
        ArchiveReader reader = _store.Archives;
        foreach ((long seq, string detail) in _store.Catalog.Problems)
        {
            _catalogFindings.Add((new TamperFinding(seq, TamperKind.ArchiveMismatch, detail), null, false));
        }

        reader.FileLoaded += Check;
        foreach ((string destination, string path) in await reader.FindUnlistedAsync(cancellationToken).ConfigureAwait(false))
        {
            (long first, _) = ArchiveCatalog.SpanOf(path, 0, 0);
            _unlistedFindings.Add((new TamperFinding(first, TamperKind.ArchiveUnlisted,
                $"The archive file {path} in {destination} is listed by no archived event of the ledger: it was added outside DecisionLedger (or its archive run never committed), so nothing vouches for its rows."), null, false));
        }
    }

    // The findings of one file as a whole, in catalog order at resolution whatever order the reads ran in.
    private void Check(ArchiveFileContent content)
    {
        ArchiveCatalogFile file = content.File;
        var findings = new List<(TamperFinding Finding, ArchiveCatalogFile? File, bool Weak)>();
        if (content.Problem != ArchiveFileProblem.None)
        {
            TamperKind kind = content.Problem switch
            {
                ArchiveFileProblem.Missing => TamperKind.ArchiveMissing,
                ArchiveFileProblem.ManifestForged => TamperKind.ArchiveManifestForged,
                _ => TamperKind.ArchiveMismatch,
            };
            findings.Add((new TamperFinding(file.FirstSeq, kind, content.Detail!), file, content.DigestOnly));
        }

        if (!content.Sorted)
        {
            ArchiveRow before = content.Rows[content.FirstOutOfOrder - 1];
            ArchiveRow after = content.Rows[content.FirstOutOfOrder];
            long seq = Math.Min(before.Seq, after.Seq);
            findings.Add((new TamperFinding(seq, TamperKind.EntriesReordered,
                $"In the {file.Describe()}, row {content.FirstOutOfOrder} holds seq {after.Seq} after row {content.FirstOutOfOrder - 1} with seq {before.Seq}: the file's rows were reordered (an archive file's rows are in strictly increasing seq)."), file, false));
        }

        lock (_gate)
        {
            _checked.TryAdd(file, findings);
        }
    }

    // Checks the files the entry pass did not read (or that were read before verification began), then
    // lists every finding as the one-pass check did: the catalog's, each file's in catalog order, the unlisted.
    private async ValueTask CompleteFileChecksAsync(CancellationToken cancellationToken)
    {
        ArchiveReader reader = _store.Archives;
        foreach (ArchiveCatalogFile file in _store.Catalog.Files)
        {
            bool done;
            lock (_gate)
            {
                done = _checked.ContainsKey(file);
            }

            if (!done)
            {
                Check(await reader.LoadAsync(file, cancellationToken).ConfigureAwait(false));
            }
        }

        reader.FileLoaded -= Check;
        _fileFindings.AddRange(_catalogFindings);
        lock (_gate)
        {
            foreach (ArchiveCatalogFile file in _store.Catalog.Files)
            {
                _fileFindings.AddRange(_checked[file]);
            }
        }

        _fileFindings.AddRange(_unlistedFindings);
    }

    /// <summary>
    /// Combines the first finding of the entry pass with the file findings: a finding about an archived
    /// seq names its file; a finding inside a missing file's span is that file's absence; a file whose
    /// only problem is its digest (or leaves root) is reported when no row of it was found bad; the
    /// lowest seq wins.
    /// </summary>
    public async ValueTask<TamperFinding?> ResolveAsync(TamperFinding? entryFinding, CancellationToken cancellationToken)
    {
        await CompleteFileChecksAsync(cancellationToken).ConfigureAwait(false);
        TamperFinding? best = entryFinding is null ? null : await AnnotateAsync(entryFinding, cancellationToken).ConfigureAwait(false);
        foreach ((TamperFinding finding, ArchiveCatalogFile? file, _) in _fileFindings)
        {
            if (finding.Kind == TamperKind.ArchiveMissing && best is not null && file is not null && Within(best.Seq, file))
            {
                best = finding;
            }
        }

        foreach ((TamperFinding finding, ArchiveCatalogFile? file, bool weak) in _fileFindings)
        {
            if (weak && best is not null && file is not null && Within(best.Seq, file))
            {
                continue;
            }

            if (best is null || finding.Seq < best.Seq)
            {
                best = finding;
            }
        }

        return best;
    }

    private static bool Within(long seq, ArchiveCatalogFile file) => seq >= file.FirstSeq && seq <= file.LastSeq;

    private async ValueTask<TamperFinding> AnnotateAsync(TamperFinding finding, CancellationToken cancellationToken)
    {
        long seq = finding.Seq;
        if (_store.Catalog.RangeOf(seq) is not { } range || await _store.Live.GetEntryAsync(seq, cancellationToken).ConfigureAwait(false) is not null)
        {
            return finding;
        }

        if (await _store.Archives.FindHolderAsync(seq, cancellationToken).ConfigureAwait(false) is { } holder)
        {
            return finding with { Detail = $"{finding.Detail} Seq {seq} is archived: it was read from row {holder.Row} of the {holder.Content.File.Describe()}." };
        }

        string suspects = string.Join(", ", _fileFindings.Where(f => f.File is not null && Within(seq, f.File)).Select(f => f.File!.File).Distinct(StringComparer.Ordinal));
        return finding with
        {
            Detail = $"{finding.Detail} Seq {seq} lies in the range {range.FirstSeq}–{range.LastSeq} the archived event at seq {range.EventSeq} moved to {range.Destination}, but no archive file holds it" +
                (suspects.Length > 0 ? $"; archive file(s) whose bytes differ from the ledger's commitment: {suspects}." : "."),
        };
    }
}
