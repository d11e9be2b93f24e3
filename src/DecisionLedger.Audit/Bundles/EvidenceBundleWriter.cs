using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Completeness;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Bundles;

/// <summary>
/// Exports an evidence bundle: the newest checkpoint, the verifier key, the entries (all, or those
/// matching a filter, with an inclusion proof each), their held inputs and a manifest, so an auditor
/// can verify them offline with only the ledger's public key.
/// </summary>
/// <remarks>
/// Everything is streamed in chunks of 4,096 entries: memory does not grow with the ledger. A filter
/// is matched against the stored columns while scanning entries in ascending <c>seq</c>; its
/// <see cref="EntryFilter.Limit"/> does not apply to exports. On a ledger of entry format 2, an export
/// filtered by subject (or else by model) also carries the completeness proof of that chain
/// (<c>completeness.json</c>, with the heads entries and every chain entry it needs) and, for a
/// subject, that subject's id-to-ref mapping (<c>subject.json</c>). When the store keeps checkpoint
/// attestations, the checkpoint's witness cosignatures (<c>cosigned-checkpoint</c>) and RFC 3161
/// time-stamp tokens (<c>timestamps/NAME.tst</c>) come too.
/// </remarks>
public sealed class EvidenceBundleWriter
{
    private const int ChunkSize = 4096;
    private static readonly byte[] s_newline = "\n"u8.ToArray();

    // Files, never HTML: base64 '+' and '/' stay literal, as in 'dledger proof inclusion', so auditors' text tools see the same strings.
    private static readonly JsonWriterOptions s_lineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TimeProvider _time;

    /// <summary>Creates a writer.</summary>
    /// <param name="timeProvider">The clock for <c>createdAt</c>; default <see cref="TimeProvider.System"/>.</param>
    public EvidenceBundleWriter(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Writes a bundle against the store's newest checkpoint into <paramref name="directory"/>.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="directory">The bundle directory; created if needed; existing bundle files are overwritten.</param>
    /// <param name="verifierKey">The ledger's verifier key string; the newest checkpoint must verify with it.</param>
    /// <param name="origin">The ledger's origin.</param>
    /// <param name="filter">Which entries to export, or null for a full export.</param>
    /// <param name="toolVersion">The exporting tool's version, for the manifest.</param>
    /// <param name="progress">Receives the number of entries scanned; optional.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The manifest written.</returns>
    /// <exception cref="InvalidOperationException">The ledger has no checkpoint yet, or its newest checkpoint does not verify with <paramref name="verifierKey"/>.</exception>
    /// <exception cref="FormatException"><paramref name="verifierKey"/> is not a verifier key string.</exception>
    /// <exception cref="IOException">A bundle file cannot be written.</exception>
    public async ValueTask<BundleManifest> WriteAsync(
        ILedgerStore store,
        string directory,
        string verifierKey,
        string origin,
        EntryFilter? filter,
        string toolVersion,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(verifierKey);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(toolVersion);

        StoredCheckpoint latest = await store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The ledger has no checkpoint yet, so there is nothing to export against; run 'dledger checkpoint --new' first.");
        Checkpoint checkpoint;
        try
        {
            checkpoint = CheckpointNote.Open(latest.SignedNote, NoteVerifier.Parse(verifierKey), origin);
        }
        catch (NoteVerificationException e)
        {
            throw new InvalidOperationException($"The ledger's newest checkpoint (tree size {latest.TreeSize}) does not verify with the given key and origin '{origin}': {e.Message} Run 'dledger verify'.", e);
        }

        Dictionary<string, string> filters = DescribeFilter(filter);
        bool full = filters.Count == 0;
        BundleSelection selection = full
            ? BundleSelection.Everything
            : await BundleSelection.CreateAsync(store, filter!, checkpoint.Size, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(directory);
        await WriteCompletenessAsync(directory, selection, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, BundleFiles.Checkpoint), latest.SignedNote, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, BundleFiles.Key), verifierKey + "\n", cancellationToken).ConfigureAwait(false);
        BundleAttestations attested = await BundleAttestations.WriteAsync(store, latest, directory, cancellationToken).ConfigureAwait(false);

        long count = 0;
        long decisions = 0;
        long inputsWritten = 0;
        string proofsPath = Path.Combine(directory, BundleFiles.Proofs);
        if (full && File.Exists(proofsPath))
        {
            File.Delete(proofsPath);
        }

        FileStream entries = File.Create(Path.Combine(directory, BundleFiles.Entries));
        await using (entries.ConfigureAwait(false))
        {
            FileStream inputs = File.Create(Path.Combine(directory, BundleFiles.Inputs));
            await using (inputs.ConfigureAwait(false))
            {
                // A full export omits proofs.jsonl; Stream.Null keeps one code path.
                Stream proofs = full ? Stream.Null : File.Create(proofsPath);
                await using (proofs.ConfigureAwait(false))
                {
                    using var prover = new LedgerProver(store);
                    var selected = new List<long>(ChunkSize);
                    for (long chunkStart = 0; chunkStart < checkpoint.Size; chunkStart += ChunkSize)
                    {
                        long chunkEnd = Math.Min(checkpoint.Size, chunkStart + ChunkSize);
                        selected.Clear();
                        await foreach (StoredEntry entry in store.ReadEntriesAsync(chunkStart, chunkEnd, cancellationToken).ConfigureAwait(false))
                        {
                            if (full || selection.Includes(entry))
                            {
                                await entries.WriteAsync(entry.CanonicalBytes, cancellationToken).ConfigureAwait(false);
                                await entries.WriteAsync(s_newline, cancellationToken).ConfigureAwait(false);
                                selected.Add(entry.Seq);
                                count++;
                                if (entry.Columns.Kind == EntryColumns.DecisionKind)
                                {
                                    decisions++;
                                }
                            }
                        }

                        inputsWritten += await WriteInputsAsync(store, inputs, selected, chunkStart, chunkEnd, cancellationToken).ConfigureAwait(false);
                        if (!full)
                        {
                            foreach (long seq in selected)
                            {
                                InclusionProof proof = await prover.ProveInclusionAsync(seq, checkpoint.Size, cancellationToken).ConfigureAwait(false);
                                await proofs.WriteAsync(ProofLine(proof), cancellationToken).ConfigureAwait(false);
                            }
                        }

                        progress?.Report(chunkEnd);
                    }
                }
            }
        }

        var manifest = new BundleManifest(checkpoint.Origin, checkpoint.Size, checkpoint.RootHash, filters, _time.GetUtcNow(), toolVersion, count, full)
        {
            InputCount = inputsWritten,
            InputsWithheld = decisions - inputsWritten,
            Completeness = selection.Proof?.Key,
            CompletenessUnavailable = selection.ProofUnavailable,
            Cosignatures = attested.Cosignatures,
            Timestamps = attested.Timestamps,
        };
        await File.WriteAllBytesAsync(Path.Combine(directory, BundleFiles.Manifest), ManifestJson(manifest), cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    private static async ValueTask WriteCompletenessAsync(string directory, BundleSelection selection, CancellationToken cancellationToken)
    {
        string proofPath = Path.Combine(directory, BundleFiles.Completeness);
        string subjectPath = Path.Combine(directory, BundleFiles.Subject);
        File.Delete(proofPath);
        File.Delete(subjectPath);
        if (selection.Proof is { } proof)
        {
            await File.WriteAllBytesAsync(proofPath, CompletenessProofJson.ToBytes(proof), cancellationToken).ConfigureAwait(false);
        }

        if (selection.Subject is { } subject)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, s_lineOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, subject.SubjectId);
                writer.WriteString("ref"u8, subject.Ref);
                writer.WriteEndObject();
            }

            buffer.Write(s_newline);
            await File.WriteAllBytesAsync(subjectPath, buffer.WrittenSpan.ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async ValueTask<long> WriteInputsAsync(ILedgerStore store, FileStream inputs, List<long> selected, long chunkStart, long chunkEnd, CancellationToken cancellationToken)
    {
        long written = 0;
        if (selected.Count == 0)
        {
            return written;
        }

        int next = 0;
        await foreach (StoredInput input in store.ReadInputsAsync(chunkStart, chunkEnd, cancellationToken).ConfigureAwait(false))
        {
            while (next < selected.Count && selected[next] < input.Seq)
            {
                next++;
            }

            // An encrypted input is not JSON and an auditor could not check it: it is left out like an erased one.
            if (next < selected.Count && selected[next] == input.Seq && !Encryption.InputEncryption.IsEncrypted(input.Input))
            {
                await inputs.WriteAsync(InputLine(input), cancellationToken).ConfigureAwait(false);
                written++;
            }
        }

        return written;
    }

    private static byte[] InputLine(StoredInput input)
    {
        var buffer = new ArrayBufferWriter<byte>(input.Input.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer, s_lineOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq"u8, input.Seq);
            writer.WriteBase64String("salt"u8, input.Salt);
            writer.WritePropertyName("input"u8);
            writer.WriteRawValue(input.Input);
            writer.WriteEndObject();
        }

        buffer.Write(s_newline);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ProofLine(InclusionProof proof)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + (48 * proof.Hashes.Count));
        using (var writer = new Utf8JsonWriter(buffer, s_lineOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("leafIndex"u8, proof.LeafIndex);
            writer.WriteNumber("treeSize"u8, proof.TreeSize);
            writer.WriteString("leafHash"u8, proof.LeafHash.ToBase64());
            writer.WriteStartArray("hashes"u8);
            foreach (Hashing.Sha256Hash hash in proof.Hashes)
            {
                writer.WriteStringValue(hash.ToBase64());
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.Write(s_newline);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ManifestJson(BundleManifest manifest)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_lineOptions with { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("origin"u8, manifest.Origin);
            writer.WriteNumber("treeSize"u8, manifest.TreeSize);
            writer.WriteString("rootHash"u8, manifest.RootHash.ToBase64());
            writer.WriteStartObject("filters"u8);
            foreach ((string name, string value) in manifest.Filters)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteString("createdAt"u8, manifest.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("toolVersion"u8, manifest.ToolVersion);
            writer.WriteNumber("entryCount"u8, manifest.EntryCount);
            writer.WriteBoolean("full"u8, manifest.Full);
            writer.WriteNumber("inputCount"u8, manifest.InputCount);
            writer.WriteNumber("inputsWithheld"u8, manifest.InputsWithheld);
            if (manifest.Completeness is { } key)
            {
                writer.WriteString("completeness"u8, key);
            }

            // Written only when present, so a bundle without attestations keeps the manifest it always had.
            if (manifest.Cosignatures > 0)
            {
                writer.WriteNumber("cosignatures"u8, manifest.Cosignatures);
            }

            if (manifest.Timestamps.Count > 0)
            {
                writer.WriteStartArray("timestamps"u8);
                foreach (string authority in manifest.Timestamps)
                {
                    writer.WriteStringValue(authority);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        buffer.Write(s_newline);
        return buffer.WrittenSpan.ToArray();
    }

    private static Dictionary<string, string> DescribeFilter(EntryFilter? filter)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        if (filter is null)
        {
            return set;
        }

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                set[name] = value;
            }
        }

        Add("requestId", filter.RequestId);
        Add("modelName", filter.ModelName);
        Add("modelVersion", filter.ModelVersion);
        Add("userId", filter.UserId);
        Add("tenant", filter.Tenant);
        Add("subjectId", filter.SubjectId);
        Add("inputFingerprint", filter.InputFingerprint);
        Add("kind", filter.Kind);
        Add("from", filter.From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("to", filter.To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("beforeSeq", filter.BeforeSeq?.ToString(CultureInfo.InvariantCulture));
        Add("where", filter.Where.Count == 0 ? null : string.Join(" and ", filter.Where));
        return set;
    }
}
