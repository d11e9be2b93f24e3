using System.Security.Cryptography;
using DecisionLedger.Canonicalization;
using DecisionLedger.Encryption;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// Turns a decision into the stored entry, its input row and its leaf hash. The fingerprint is
/// taken over the original input (so "same input as before" works across redaction); then the
/// redactor runs, and only the redacted decision is hashed and stored. Not thread-safe: one
/// instance per batcher.
/// </summary>
internal sealed class EntryBuilder : IDisposable
{
    // Salts are drawn from the random source in blocks: one system call per 256 decisions
    // instead of one per decision.
    private const int SaltBlock = 256 * InputCommitment.SaltSize;

    private readonly IRandomSource _random;
    private readonly IRedactor _redactor;
    private readonly IncrementalHash _fingerprint;
    private readonly byte[] _salts = new byte[SaltBlock];
    private int _nextSalt = SaltBlock;

    public EntryBuilder(InputFingerprinter fingerprinter, IRandomSource random, IRedactor redactor)
    {
        _random = random;
        _redactor = redactor;
        _fingerprint = fingerprinter.CreateHmac();
    }

    /// <summary>Builds a decision's entry and stored input; with <paramref name="ciphers"/>, a subject's input is stored encrypted under its key.</summary>
    public (StoredEntry Entry, StoredInput Input) Build(long seq, Decision decision, string requestId, DateTimeOffset timestamp, IReadOnlyDictionary<string, AesGcm>? ciphers = null)
    {
        byte[] originalInput = JsonCanonicalizer.Canonicalize(decision.Input);
        Sha256Hash fingerprint = Fingerprint(originalInput);

        RedactionResult redaction = _redactor.Redact(decision);
        byte[] canonicalInput = redaction.Applied.Count == 0 ? originalInput : JsonCanonicalizer.Canonicalize(redaction.Redacted.Input);
        return BuildRedacted(seq, redaction.Redacted, redaction.Applied, fingerprint, canonicalInput, requestId, timestamp, ciphers);
    }

    /// <summary>Builds the entry of a decision a collector already redacted and fingerprinted (<see cref="RedactedDecision"/>): no second redaction.</summary>
    public (StoredEntry Entry, StoredInput Input) Build(long seq, RedactedDecision prepared, IReadOnlyDictionary<string, AesGcm>? ciphers = null) =>
        BuildRedacted(
            seq,
            prepared.Decision,
            prepared.Redactions,
            prepared.InputFingerprint,
            JsonCanonicalizer.Canonicalize(prepared.Decision.Input),
            prepared.RequestId,
            prepared.Timestamp,
            ciphers);

    private (StoredEntry Entry, StoredInput Input) BuildRedacted(
        long seq,
        Decision decision,
        IReadOnlyList<AppliedRedaction> applied,
        Sha256Hash fingerprint,
        byte[] canonicalInput,
        string requestId,
        DateTimeOffset timestamp,
        IReadOnlyDictionary<string, AesGcm>? ciphers)
    {
        byte[] salt = NextSalt();
        Sha256Hash inputDigest = InputCommitment.ComputeDigest(salt, canonicalInput);

        var entry = new LedgerEntry
        {
            V = LedgerEntry.CurrentVersion,
            Seq = seq,
            RequestId = requestId,
            Timestamp = timestamp,
            Model = decision.Model,
            Actor = decision.Actor,
            Subject = decision.Subject,
            Output = decision.Output,
            Explanation = decision.Explanation,
            LatencyMs = decision.LatencyMs,
            Metadata = decision.Metadata,
            InputDigest = inputDigest,
            Redactions = applied,
        };

        byte[] canonical = EntryCanonicalizer.ToCanonicalBytes(entry);
        Sha256Hash leafHash = MerkleHasher.HashLeaf(canonical);
        var columns = new EntryColumns(
            requestId,
            timestamp,
            decision.Model.Name,
            decision.Model.Version,
            decision.Actor?.UserId,
            decision.Actor?.Tenant,
            decision.Subject?.Id,
            fingerprint.ToHex());
        var input = new StoredInput(seq, salt, canonicalInput);
        if (ciphers is not null && decision.Subject?.Id is { } subjectId)
        {
            // The commitment above is over the plaintext; only the stored copy is encrypted.
            AesGcm cipher = ciphers.TryGetValue(subjectId, out AesGcm? found)
                ? found
                : throw new InvalidOperationException($"subject.id: no input key was loaded for subject '{subjectId}'; the decision was not recorded.");
            Span<byte> nonce = stackalloc byte[12];
            _random.Fill(nonce);
            input = InputEncryption.Encrypt(cipher, input, nonce);
        }

        return (new StoredEntry(seq, canonical, leafHash, columns), input);
    }

    /// <summary>Builds the entry of a ledger event: no input, no fingerprint.</summary>
    public static StoredEntry BuildEvent(long seq, LedgerEvent ledgerEvent, string requestId, DateTimeOffset timestamp)
    {
        byte[] canonical = EventCanonicalizer.ToCanonicalBytes(new EventEntry(seq, requestId, timestamp, ledgerEvent));
        var columns = new EntryColumns(
            requestId,
            timestamp,
            ModelName: string.Empty,
            ModelVersion: string.Empty,
            UserId: null,
            Tenant: null,
            SubjectId: ledgerEvent.Erasure.SubjectId,
            InputFingerprint: null,
            Kind: ledgerEvent.Kind);
        return new StoredEntry(seq, canonical, MerkleHasher.HashLeaf(canonical), columns);
    }

    /// <summary>Truncates to whole microseconds, the precision of entry timestamps.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset value)
    {
        DateTimeOffset utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    public void Dispose() => _fingerprint.Dispose();

    private byte[] NextSalt()
    {
        if (_nextSalt == SaltBlock)
        {
            _random.Fill(_salts);
            _nextSalt = 0;
        }

        byte[] salt = _salts.AsSpan(_nextSalt, InputCommitment.SaltSize).ToArray();

        // Each salt is used once; clear it from the block so it does not linger in memory.
        _salts.AsSpan(_nextSalt, InputCommitment.SaltSize).Clear();
        _nextSalt += InputCommitment.SaltSize;
        return salt;
    }

    private Sha256Hash Fingerprint(ReadOnlySpan<byte> canonicalInput)
    {
        _fingerprint.AppendData(canonicalInput);
        Span<byte> mac = stackalloc byte[Sha256Hash.Size];
        _fingerprint.GetHashAndReset(mac);
        return Sha256Hash.FromBytes(mac);
    }
}
