using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Encryption;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>The offline check of one archive file against its signed manifest (and tiles): see <see cref="ArchiveFileVerifier"/>.</summary>
internal sealed class ArchiveFileCheck(IArchiveDestination destination, string path, NoteVerifier verifier, ArchiveFileVerifier.TileLeaves? tiles)
{
    /// <summary>Rows whose entry was checked.</summary>
    public long RowsVerified { get; private set; }

    /// <summary>Held plaintext inputs checked against their entry's <c>inputDigest</c>.</summary>
    public long InputsVerified { get; private set; }

    /// <summary>Runs the check; returns the first finding (naming the file), or null.</summary>
    /// <exception cref="FileNotFoundException">The file is not in the destination.</exception>
    public async Task<TamperFinding?> RunAsync(CancellationToken cancellationToken)
    {
        (long nameFirst, _) = ArchiveCatalog.SpanOf(path, 0, 0);
        string where = $"archive file {path} in {destination.Describe()}";
        Stream? manifestStream = await destination.OpenReadAsync(ArchivePaths.ManifestPath(path), cancellationToken).ConfigureAwait(false);
        if (manifestStream is null)
        {
            return new TamperFinding(nameFirst, TamperKind.ArchiveMissing, $"The signed manifest {ArchivePaths.ManifestPath(path)} of the {where} is missing, so nothing vouches for the file.");
        }

        string note;
        await using (manifestStream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(manifestStream);
            note = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        ArchiveManifest manifest;
        try
        {
            manifest = ArchiveManifestNote.Open(note, verifier);
        }
        catch (NoteVerificationException e)
        {
            return new TamperFinding(nameFirst, TamperKind.ArchiveManifestForged, $"The signed manifest of the {where} does not verify with the key '{verifier.Name}' ({e.Reason}): {e.Message}");
        }

        if (!string.Equals(manifest.File, path, StringComparison.Ordinal) && !manifest.File.EndsWith("/" + path, StringComparison.Ordinal))
        {
            return new TamperFinding(manifest.FirstSeq, TamperKind.ArchiveMismatch, $"The signed manifest beside the {where} is the manifest of '{manifest.File}': the file and its manifest were moved or swapped.");
        }

        Stream? fileStream = await destination.OpenReadAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"{destination.Describe()} holds no archive file '{path}'.", path);
        (byte[] bytes, string sha256) = await ReadAsync(fileStream, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(sha256, manifest.Sha256, StringComparison.Ordinal))
        {
            // Still read the rows: a finding that names the row is more use than one that names the file.
            TamperFinding digest = new(manifest.FirstSeq, TamperKind.ArchiveMismatch, $"The {where} has SHA-256 {sha256}, but its signed manifest states {manifest.Sha256}: the file was edited or swapped.");
            return await CheckRowsAsync(bytes, manifest, where, cancellationToken).ConfigureAwait(false) ?? digest;
        }

        return await CheckRowsAsync(bytes, manifest, where, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(byte[] Bytes, string Sha256)> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using (stream.ConfigureAwait(false))
        {
            return await ArchiveFileVerifier.ReadAllAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TamperFinding?> CheckRowsAsync(byte[] bytes, ArchiveManifest manifest, string where, CancellationToken cancellationToken)
    {
        IReadOnlyList<ArchiveRow> rows;
        try
        {
            rows = await ArchiveParquetReader.ReadAsync(new MemoryStream(bytes, writable: false), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            return new TamperFinding(manifest.FirstSeq, TamperKind.ArchiveMismatch, $"The {where} is not a readable archive file: {e.Message}");
        }

        long previous = -1;
        for (int i = 0; i < rows.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArchiveRow row = rows[i];
            if (row.Seq <= previous)
            {
                return new TamperFinding(Math.Min(row.Seq, previous), TamperKind.EntriesReordered, $"In the {where}, row {i} holds seq {row.Seq} after seq {previous}: the rows were reordered (they are stored in strictly increasing seq).");
            }

            if (row.Seq < manifest.FirstSeq || row.Seq > manifest.LastSeq)
            {
                return new TamperFinding(row.Seq, TamperKind.ArchiveMismatch, $"In the {where}, row {i} holds seq {row.Seq}, outside the range {manifest.FirstSeq}–{manifest.LastSeq} its signed manifest states: a row was added or its seq edited.");
            }

            if (CheckRow(row, i, manifest, where) is { } finding)
            {
                return finding;
            }

            previous = row.Seq;
            RowsVerified++;
        }

        if (rows.Count != manifest.Rows || rows.Count > 0 && (rows[0].Seq != manifest.FirstSeq || rows[^1].Seq != manifest.LastSeq))
        {
            long seq = rows.Count > 0 && rows[0].Seq != manifest.FirstSeq ? manifest.FirstSeq : manifest.LastSeq;
            return new TamperFinding(seq, TamperKind.EntryDeleted, $"The {where} holds {rows.Count} rows from seq {(rows.Count > 0 ? rows[0].Seq : -1)} to {(rows.Count > 0 ? rows[^1].Seq : -1)}, but its signed manifest states {manifest.Rows} rows from seq {manifest.FirstSeq} to {manifest.LastSeq}: rows were dropped or added.");
        }

        Sha256Hash leavesRoot = ArchiveLeaves.Root(rows);
        if (leavesRoot != manifest.LeavesRoot)
        {
            return new TamperFinding(manifest.FirstSeq, TamperKind.ArchiveMismatch, $"The rows of the {where} give leavesRoot {leavesRoot.ToBase64()}, but its signed manifest states {manifest.LeavesRoot.ToBase64()}: a row's entry was edited, dropped or replaced (pass --tiles DIR to name the row).");
        }

        return null;
    }

    private TamperFinding? CheckRow(ArchiveRow row, int index, ArchiveManifest manifest, string where)
    {
        StoredEntry stored = new ArchivedEntry(row, new ArchiveCatalogFile(path, manifest.Rows, manifest.Sha256, destination.Describe(), -1, manifest.FirstSeq, manifest.LastSeq, null)).ToStoredEntry();
        EntryCheck check = EntryCheck.Compute(row.Entry, checkCanonical: true, stored.Columns);
        string at = $"row {index} (seq {row.Seq}) of the {where}";
        if (tiles is not null)
        {
            // The leaf first: against a signed tree, an edited entry is content-changed whatever else it breaks.
            if (tiles.Leaf(row.Seq) is not { } leaf)
            {
                return new TamperFinding(row.Seq, TamperKind.ArchiveMismatch, $"Seq {row.Seq} of {at} lies beyond the tiles' checkpoint (size {tiles.Checkpoint.Size}); export the tiles again after the archive run.");
            }

            if (leaf != check.Leaf)
            {
                return new TamperFinding(row.Seq, TamperKind.ContentChanged, $"The entry of {at} hashes to leaf {check.Leaf.ToBase64()}, but the signed tree's tile holds {leaf.ToBase64()} for seq {row.Seq}: the archived entry was changed.");
            }
        }

        if (!check.Readable)
        {
            return new TamperFinding(row.Seq, TamperKind.MalformedEntry, $"The entry of {at} cannot be read: {check.Error}.");
        }

        if (!check.Canonical)
        {
            return new TamperFinding(row.Seq, TamperKind.MalformedEntry, $"The entry of {at} is not in RFC 8785 canonical form, so it is not the byte string that was hashed.");
        }

        if (check.Fields.Seq != row.Seq)
        {
            return new TamperFinding(row.Seq, TamperKind.EntriesReordered, $"The entry of {at} is the entry of seq {check.Fields.Seq}: rows or their seq column were moved.");
        }

        if (check.MismatchedColumn is { } column)
        {
            return new TamperFinding(row.Seq, TamperKind.IndexMismatch, $"The '{column}' column of {at} differs from the entry itself: the file's query column was edited (the entry's bytes are intact).");
        }

        if (!string.Equals(row.Model ?? string.Empty, manifest.Model ?? string.Empty, StringComparison.Ordinal)
            || !string.Equals(ArchivePaths.Month(stored.Columns.Timestamp), manifest.Month, StringComparison.Ordinal))
        {
            return new TamperFinding(row.Seq, TamperKind.ArchiveMismatch, $"The entry of {at} is of model '{row.Model}' in {ArchivePaths.Month(stored.Columns.Timestamp)}, but the file's signed manifest is for model '{manifest.Model}' in {manifest.Month}: the row belongs to another file.");
        }

        if (row.Input is { } input && row.Salt is { } salt && !InputEncryption.IsEncrypted(input))
        {
            if (check.Fields.InputDigest is not { } expected)
            {
                return new TamperFinding(row.Seq, TamperKind.InputAltered, $"{at} holds an input, but its entry commits to none (it has no inputDigest).");
            }

            if (!EntryFields.InputMatches(salt, input, expected, out Sha256Hash found))
            {
                return new TamperFinding(row.Seq, TamperKind.InputAltered, $"The input of {at} hashes with its salt to {found.ToHex()}, but the entry's inputDigest is {expected.ToHex()}: the input or its salt was altered.");
            }

            InputsVerified++;
        }

        return null;
    }
}
