using DecisionLedger.Completeness;
using System.Text.Json;
using System.Text.Unicode;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Bundles;

/// <summary>
/// Verifies an evidence bundle offline with only the bundle and the ledger's verifier key: the
/// checkpoint's signature (the bundle's own <c>key.vkey</c> is not trusted), the manifest against the
/// checkpoint, every entry line (the whole tree's root for a full bundle; each line's inclusion proof
/// for a filtered one), strictly increasing <c>seq</c>, and every input against its entry's
/// <c>inputDigest</c>. Names the first bad <c>seq</c> and the kind of tampering.
/// </summary>
public sealed class EvidenceBundleVerifier
{
    private readonly TimeProvider _time;

    /// <summary>Creates a verifier.</summary>
    /// <param name="timeProvider">The clock that measures the elapsed time; default <see cref="TimeProvider.System"/>.</param>
    public EvidenceBundleVerifier(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Verifies the bundle in <paramref name="directory"/>.</summary>
    /// <param name="directory">The bundle directory.</param>
    /// <param name="verifierKey">The ledger's verifier key string, obtained independently of the bundle.</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The report; <see cref="VerificationReport.FirstFinding"/> names the first problem.</returns>
    /// <exception cref="FormatException"><paramref name="verifierKey"/> is not a verifier key string.</exception>
    /// <exception cref="FileNotFoundException">The bundle lacks its checkpoint, manifest or entries file.</exception>
    /// <exception cref="JsonException">The manifest is not JSON (or not UTF-8).</exception>
    public async ValueTask<VerificationReport> VerifyAsync(string directory, string verifierKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(verifierKey);
        long started = _time.GetTimestamp();
        NoteVerifier verifier = NoteVerifier.Parse(verifierKey.Trim());
        var run = new Run();

        string note = await File.ReadAllTextAsync(Path.Combine(directory, BundleFiles.Checkpoint), cancellationToken).ConfigureAwait(false);
        byte[] manifestBytes = await File.ReadAllBytesAsync(Path.Combine(directory, BundleFiles.Manifest), cancellationToken).ConfigureAwait(false);
        string? manifestOrigin;
        long? manifestSize;
        bool full;
        BundleManifestCheck claims;
        if (!Utf8.IsValid(manifestBytes))
        {
            // The reader checks structure, not encoding: a string of invalid UTF-8 would throw later, when read.
            throw new JsonException($"{BundleFiles.Manifest} is not valid UTF-8; JSON text must be (RFC 8259, section 8.1).");
        }

        using (JsonDocument manifest = JsonDocument.Parse(manifestBytes))
        {
            try
            {
                JsonElement root = manifest.RootElement;
                claims = BundleManifestCheck.Read(root);
                manifestOrigin = root.TryGetProperty("origin", out JsonElement o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
                manifestSize = root.TryGetProperty("treeSize", out JsonElement s) && s.TryGetInt64(out long size) ? size : null;
                full = root.TryGetProperty("full", out JsonElement f) && f.ValueKind == JsonValueKind.True;
            }
            catch (InvalidOperationException e)
            {
                // A \ud800 escape with no low half parses but cannot be read as a string.
                throw new JsonException($"{BundleFiles.Manifest} holds a string that is not valid Unicode ({e.Message}).", e);
            }
        }

        Checkpoint checkpoint;
        try
        {
            checkpoint = CheckpointNote.Open(note, verifier, manifestOrigin);
        }
        catch (NoteVerificationException e)
        {
            return run.Report(new TamperFinding(0, TamperKind.CheckpointForged, $"The bundle's checkpoint does not verify with the key '{verifier.Name}' given for origin '{manifestOrigin}' ({e.Reason}): {e.Message}"), _time.GetElapsedTime(started));
        }

        run.CheckpointsVerified = 1;
        run.TreeSize = checkpoint.Size;
        if (manifestSize != checkpoint.Size)
        {
            return run.Report(new TamperFinding(checkpoint.Size, TamperKind.CheckpointInconsistent, $"The manifest says tree size {manifestSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(missing)"} but the signed checkpoint says {checkpoint.Size}."), _time.GetElapsedTime(started));
        }

        if ((claims.CheckRoot(checkpoint.RootHash, checkpoint.Size) ?? claims.CheckShape(full)) is { } claimFinding)
        {
            return run.Report(claimFinding, _time.GetElapsedTime(started));
        }

        run.Claims = claims;
        if (!full)
        {
            (run.Completeness, TamperFinding? proofFinding) = await BundleCompleteness.OpenAsync(directory, claims, checkpoint.Size, cancellationToken).ConfigureAwait(false);
            if (proofFinding is not null)
            {
                return run.Report(proofFinding, _time.GetElapsedTime(started));
            }
        }

        TamperFinding? finding = await VerifyLinesAsync(directory, note, verifier, checkpoint, full, run, cancellationToken).ConfigureAwait(false);
        if (finding is null && run.Completeness is { } tracker)
        {
            (run.Proven, finding) = tracker.Finish(checkpoint.Size);
        }

        return run.Report(finding, _time.GetElapsedTime(started));
    }

    private static async ValueTask<TamperFinding?> VerifyLinesAsync(string directory, string note, NoteVerifier verifier, Checkpoint checkpoint, bool full, Run run, CancellationToken cancellationToken)
    {
        JsonLinesReader entries = JsonLinesReader.Open(Path.Combine(directory, BundleFiles.Entries));
        await using (entries.ConfigureAwait(false))
        {
            if (!entries.Exists)
            {
                throw new FileNotFoundException($"The bundle has no {BundleFiles.Entries}.", Path.Combine(directory, BundleFiles.Entries));
            }

            JsonLinesReader inputLines = JsonLinesReader.Open(Path.Combine(directory, BundleFiles.Inputs));
            await using (inputLines.ConfigureAwait(false))
            {
                // A full bundle needs no proofs; a filtered one without proofs.jsonl reads as every proof missing.
                JsonLinesReader proofs = JsonLinesReader.Open(full ? string.Empty : Path.Combine(directory, BundleFiles.Proofs));
                await using (proofs.ConfigureAwait(false))
                {
                    var inputs = new BundleInputCursor(inputLines);
                    TamperFinding? finding = full
                        ? await VerifyFullAsync(entries, inputs, note, verifier, checkpoint, run, cancellationToken).ConfigureAwait(false)
                        : await VerifyFilteredAsync(entries, inputs, proofs, checkpoint, run, cancellationToken).ConfigureAwait(false);
                    return finding
                        ?? await inputs.FinishAsync(cancellationToken).ConfigureAwait(false)
                        ?? run.Claims!.Complete(run.Lines, run.InputsVerified, inputLines.Exists);
                }
            }
        }
    }

    private static async ValueTask<TamperFinding?> VerifyFullAsync(JsonLinesReader entries, BundleInputCursor inputs, string note, NoteVerifier verifier, Checkpoint checkpoint, Run run, CancellationToken cancellationToken)
    {
        var classifier = new TamperClassifier(verifier, checkpoint.Origin, [new StoredCheckpoint(checkpoint.Size, checkpoint.RootHash, note, default)]);
        long line = 0;
        while (await entries.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } bytes)
        {
            long accepted = classifier.TreeSize;
            run.Lines++;
            bool more = classifier.Add(line++, bytes);
            if (classifier.TreeSize > accepted)
            {
                TamperFinding? inputFinding = await inputs.CheckUpToAsync(accepted, classifier.LastInputDigest, run, cancellationToken).ConfigureAwait(false);
                if (inputFinding is not null)
                {
                    return inputFinding;
                }
            }

            if (!more)
            {
                break;
            }
        }

        TamperFinding? finding = classifier.Complete();
        run.EntriesVerified = classifier.TreeSize;
        run.Root = classifier.Root;
        if (finding is null && classifier.TreeSize > checkpoint.Size)
        {
            finding = new TamperFinding(checkpoint.Size, TamperKind.EntryInserted, $"The bundle holds {classifier.TreeSize} entries but its checkpoint covers {checkpoint.Size}: entries from seq {checkpoint.Size} were added.");
        }

        return finding;
    }

    private static async ValueTask<TamperFinding?> VerifyFilteredAsync(JsonLinesReader entries, BundleInputCursor inputs, JsonLinesReader proofs, Checkpoint checkpoint, Run run, CancellationToken cancellationToken)
    {
        long previous = -1;
        var requestIds = new HashSet<ulong>();
        run.Root = checkpoint.RootHash;
        while (await entries.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } bytes)
        {
            long position = previous + 1;
            run.Lines++;
            if (!EntryFields.TryRead(bytes, out EntryFields fields, out string? error))
            {
                return new TamperFinding(position, TamperKind.MalformedEntry, $"The entry line after seq {previous} cannot be read: {error}.");
            }

            long seq = fields.Seq;
            if (!EntryFields.IsCanonical(bytes))
            {
                return new TamperFinding(seq, TamperKind.MalformedEntry, $"The entry line for seq {seq} is not in RFC 8785 canonical form, so it is not the byte string that was hashed.");
            }

            if (seq <= previous)
            {
                return new TamperFinding(seq, seq == previous ? TamperKind.EntryInserted : TamperKind.EntriesReordered, $"The entry line for seq {seq} follows seq {previous}; lines must be in strictly increasing seq.");
            }

            if (seq >= checkpoint.Size)
            {
                return new TamperFinding(seq, TamperKind.EntryInserted, $"The entry line for seq {seq} is beyond the checkpoint's {checkpoint.Size} entries.");
            }

            // The heads and chain entries a completeness proof needs may lie outside the stated filters.
            if (run.Completeness?.IsProofEntry(seq) != true && run.Claims!.CheckLine(seq, bytes) is { } outsideFilter)
            {
                return outsideFilter;
            }

            if (!requestIds.Add(fields.RequestIdKey))
            {
                return new TamperFinding(seq, TamperKind.DuplicateRequestId, $"The requestId '{EntryFields.ReadRequestId(bytes)}' of seq {seq} is used by an earlier line.");
            }

            previous = seq;
            Sha256Hash leaf = MerkleHasher.HashLeaf(bytes);
            byte[]? proofLine = await proofs.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (proofLine is null)
            {
                return new TamperFinding(seq, TamperKind.EntryInserted, $"The entry line for seq {seq} has no inclusion proof in {BundleFiles.Proofs}, so nothing shows it belongs to the ledger.");
            }

            if (!TryParseProof(proofLine, out InclusionProof? proof))
            {
                return new TamperFinding(seq, TamperKind.MalformedEntry, $"The inclusion proof for seq {seq} is not a valid proof line.");
            }

            if (proof.LeafIndex < seq && proof.TreeSize == checkpoint.Size)
            {
                // The proof's entry should have come first: it was either moved further down or deleted.
                bool movedDown = await entries.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } next
                    && EntryFields.TryRead(next, out EntryFields nextFields, out _) && nextFields.Seq == proof.LeafIndex;
                return movedDown
                    ? new TamperFinding(proof.LeafIndex, TamperKind.EntriesReordered, $"The entry line for seq {proof.LeafIndex} comes after the line for seq {seq}; lines must be in strictly increasing seq.")
                    : new TamperFinding(proof.LeafIndex, TamperKind.EntryDeleted, $"{BundleFiles.Proofs} holds a proof for seq {proof.LeafIndex} but the entry line for it is missing: it was deleted.");
            }

            if (proof.LeafIndex != seq || proof.TreeSize != checkpoint.Size)
            {
                return new TamperFinding(seq, TamperKind.EntryDeleted, $"The entry line for seq {seq} is paired with the proof for leaf {proof.LeafIndex} of tree size {proof.TreeSize}: a line or proof is missing or misplaced.");
            }

            if (proof.LeafHash != leaf)
            {
                return new TamperFinding(seq, TamperKind.ContentChanged, $"The entry line for seq {seq} hashes to leaf {leaf.ToBase64()} but its proof is for leaf {proof.LeafHash.ToBase64()}: the entry was changed.");
            }

            if (!proof.Verify(checkpoint.RootHash))
            {
                return new TamperFinding(seq, TamperKind.ContentChanged, $"The inclusion proof for seq {seq} does not lead to the signed root {checkpoint.RootHash.ToBase64()}: the entry or its proof was changed.");
            }

            run.EntriesVerified++;
            if (run.Completeness?.Observe(seq, bytes) is { } chainFinding)
            {
                return chainFinding;
            }

            TamperFinding? inputFinding = await inputs.CheckUpToAsync(seq, fields.InputDigest, run, cancellationToken).ConfigureAwait(false);
            if (inputFinding is not null)
            {
                return inputFinding;
            }
        }

        if (await proofs.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } extra)
        {
            long leafIndex = TryParseProof(extra, out InclusionProof? orphan) ? orphan.LeafIndex : previous + 1;
            return new TamperFinding(leafIndex, TamperKind.EntryDeleted, $"{BundleFiles.Proofs} holds a proof for seq {leafIndex} but {BundleFiles.Entries} has no line for it: the entry line was deleted.");
        }

        return null;
    }

    private static bool TryParseProof(byte[] line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InclusionProof? proof)
    {
        proof = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            var hashes = new List<Sha256Hash>();
            foreach (JsonElement hash in root.GetProperty("hashes").EnumerateArray())
            {
                hashes.Add(Sha256Hash.FromBase64(hash.GetString()!));
            }

            proof = new InclusionProof(
                root.GetProperty("leafIndex").GetInt64(),
                root.GetProperty("treeSize").GetInt64(),
                Sha256Hash.FromBase64(root.GetProperty("leafHash").GetString()!),
                hashes);
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentNullException)
        {
            return false;
        }
    }

    /// <summary>What one verification has counted so far, and the manifest's claims it checks along the way.</summary>
    internal sealed class Run
    {
        public long EntriesVerified { get; set; }

        public long CheckpointsVerified { get; set; }

        public long InputsVerified { get; set; }

        public long TreeSize { get; set; }

        public long Lines { get; set; }

        public BundleManifestCheck? Claims { get; set; }

        public Sha256Hash? Root { get; set; }

        public CompletenessTracker? Completeness { get; set; }

        public CompletenessResult? Proven { get; set; }

        public VerificationReport Report(TamperFinding? finding, TimeSpan elapsed) =>
            new(finding is null, EntriesVerified, CheckpointsVerified, InputsVerified, TreeSize, finding is null ? Root : null, finding, elapsed)
            {
                InputsWithheld = Claims?.InputsAbsent ?? 0,
                Completeness = finding is null ? Proven : null,
            };
    }
}
