using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using DecisionLedger.Canonicalization;
using DecisionLedger.Encryption;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// Turns a decision into the stored entry, its input row and its leaf hash. The fingerprint is
/// taken over the original input (so "same input as before" works across redaction); only the
/// redacted decision is hashed and stored. Not thread-safe: one instance per batcher.
/// </summary>
/// <remarks>
/// The input is canonicalized once and fingerprinted; an allocation-free scan then decides whether the policy
/// changes anything. Most decisions have nothing to redact: those bytes are also the stored input, and output
/// and metadata are canonicalized once each. A decision with something to redact takes one pass per section
/// (<see cref="CanonicalRedactor"/>: the policy applied while the canonical bytes are written into this builder's
/// reused buffers), with no redacted copy and no second canonicalization of output or metadata. Either way the
/// entry is written from the decision's parts (<see cref="DecisionEntryWriter"/>), with no <see cref="LedgerEntry"/>,
/// and the bytes are exactly those of redacting first and canonicalizing after.
/// </remarks>
internal sealed class EntryBuilder : IDisposable
{
    // Salts are drawn from the random source in blocks: one system call per 256 decisions
    // instead of one per decision.
    private const int SaltBlock = 256 * InputCommitment.SaltSize;

    private readonly IRandomSource _random;
    private readonly IRedactor _redactor;
    private readonly IncrementalHash _fingerprint;
    private readonly byte[] _salts = new byte[SaltBlock];
    private readonly CanonicalRedactor _sections = new();
    private readonly ArrayBufferWriter<byte> _input = new(4096);
    private readonly ArrayBufferWriter<byte> _scratch = new(4096);
    private readonly ArrayBufferWriter<byte> _entry = new(4096);
    private readonly List<AppliedRedaction> _applied = [];
    private int _nextSalt = SaltBlock;

    public EntryBuilder(InputFingerprinter fingerprinter, IRandomSource random, IRedactor redactor)
    {
        _random = random;
        _redactor = redactor;
        _fingerprint = fingerprinter.CreateHmac();
    }

    /// <summary>Builds a decision's entry and stored input; with <paramref name="ciphers"/>, a subject's input is stored encrypted under its key.</summary>
    public (StoredEntry Entry, StoredInput Input) Build(long seq, Decision decision, string requestId, DateTimeOffset timestamp, IReadOnlyDictionary<string, AesGcm>? ciphers = null, V2Chaining v2 = default)
    {
        if (_redactor is not PolicyRedactor policy)
        {
            return BuildWithRedactor(seq, decision, requestId, timestamp, ciphers, v2);
        }

        // The fingerprint covers the input as received, canonicalized first (so a bad input fails as it always did).
        _input.ResetWrittenCount();
        JsonCanonicalizer.Write(decision.Input, _input);
        Sha256Hash fingerprint = Fingerprint(_input.WrittenSpan);

        // Most decisions carry nothing to redact, and the scan that proves it allocates nothing and costs less than
        // a redacting walk (measured: bench --builder-cpu); then those bytes are also the stored input. Only a
        // decision that has something to redact takes the one redacting pass per section.
        CompiledProfile? profile = policy.ProfileFor(decision);
        if (profile is null || !RedactionWalker.Fires(decision, profile))
        {
            return BuildUnredacted(seq, decision, [], fingerprint, requestId, timestamp, ciphers, v2, inputWritten: true);
        }

        _applied.Clear();
        _input.ResetWrittenCount();
        _sections.WriteSection(CanonicalRedactor.InputSection, decision.Input, profile, policy.Key, _input, _applied);
        byte[] salt = NextSalt();
        Sha256Hash inputDigest = InputCommitment.ComputeDigest(salt, _input.WrittenSpan);
        ChainLinks? prev = v2.Link(decision);
        EntryCanonicalizer.Validate(prev is null ? LedgerEntry.CurrentVersion : LedgerEntry.Version2, seq, requestId, decision.Model, timestamp, decision.Output, _applied);

        // Sections go to one scratch buffer in the order their redactions are listed (output, metadata), then
        // into the entry in key order (metadata before output).
        _scratch.ResetWrittenCount();
        _sections.WriteSection("output", decision.Output, profile, policy.Key, _scratch, _applied);
        int outputLength = _scratch.WrittenCount;
        if (decision.Metadata is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } metadata)
        {
            _sections.WriteSection("metadata", metadata, profile, policy.Key, _scratch, _applied);
        }

        Explanation? explanation = decision.Explanation is { } original
            ? RedactionWalker.RedactExplanation(original, profile, policy.Key, _applied)
            : null;
        ReadOnlySpan<byte> sections = _scratch.WrittenSpan;
        ReadOnlySpan<byte> metadataBytes = decision.Metadata is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } ? sections[outputLength..] : default;
        _entry.ResetWrittenCount();
        DecisionEntryWriter.Write(_entry, seq, requestId, timestamp, decision, explanation, inputDigest, sections[..outputLength], metadataBytes, _applied, v2.EntryRef(prev), prev);
        return Finish(seq, decision, salt, fingerprint, requestId, timestamp, ciphers, v2);
    }

    /// <summary>Builds the entry of a decision a collector already redacted and fingerprinted (<see cref="RedactedDecision"/>): no second redaction.</summary>
    public (StoredEntry Entry, StoredInput Input) Build(long seq, RedactedDecision prepared, IReadOnlyDictionary<string, AesGcm>? ciphers = null, V2Chaining v2 = default) =>
        BuildUnredacted(seq, prepared.Decision, prepared.Redactions, prepared.InputFingerprint, prepared.RequestId, prepared.Timestamp, ciphers, v2);

    /// <summary>Writes the entry of a decision that needs no (more) redaction: a prepared one, or the output of a custom redactor.</summary>
    private (StoredEntry Entry, StoredInput Input) BuildUnredacted(
        long seq,
        Decision decision,
        IReadOnlyList<AppliedRedaction> applied,
        Sha256Hash? fingerprint,
        string requestId,
        DateTimeOffset timestamp,
        IReadOnlyDictionary<string, AesGcm>? ciphers,
        V2Chaining v2,
        bool inputWritten = false)
    {
        if (!inputWritten)
        {
            _input.ResetWrittenCount();
            JsonCanonicalizer.Write(decision.Input, _input);
        }

        Sha256Hash inputFingerprint = fingerprint ?? Fingerprint(_input.WrittenSpan);
        byte[] salt = NextSalt();
        Sha256Hash inputDigest = InputCommitment.ComputeDigest(salt, _input.WrittenSpan);
        ChainLinks? prev = v2.Link(decision);
        EntryCanonicalizer.Validate(prev is null ? LedgerEntry.CurrentVersion : LedgerEntry.Version2, seq, requestId, decision.Model, timestamp, decision.Output, applied);
        _scratch.ResetWrittenCount();
        JsonCanonicalizer.Write(decision.Output, _scratch);
        int outputLength = _scratch.WrittenCount;
        bool hasMetadata = decision.Metadata is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) };
        if (hasMetadata)
        {
            JsonCanonicalizer.Write(decision.Metadata!.Value, _scratch);
        }

        ReadOnlySpan<byte> sections = _scratch.WrittenSpan;
        _entry.ResetWrittenCount();
        DecisionEntryWriter.Write(_entry, seq, requestId, timestamp, decision, decision.Explanation, inputDigest, sections[..outputLength], hasMetadata ? sections[outputLength..] : default, applied, v2.EntryRef(prev), prev);
        return Finish(seq, decision, salt, inputFingerprint, requestId, timestamp, ciphers, v2);
    }

    /// <summary>Any other <see cref="IRedactor"/>: fingerprint the original, let it redact, then write what it returned.</summary>
    private (StoredEntry Entry, StoredInput Input) BuildWithRedactor(long seq, Decision decision, string requestId, DateTimeOffset timestamp, IReadOnlyDictionary<string, AesGcm>? ciphers, V2Chaining v2)
    {
        _input.ResetWrittenCount();
        JsonCanonicalizer.Write(decision.Input, _input);
        Sha256Hash fingerprint = Fingerprint(_input.WrittenSpan);
        RedactionResult redaction = _redactor.Redact(decision);
        return BuildUnredacted(seq, redaction.Redacted, redaction.Applied, fingerprint, requestId, timestamp, ciphers, v2, inputWritten: redaction.Applied.Count == 0);
    }

    private (StoredEntry Entry, StoredInput Input) Finish(
        long seq,
        Decision decision,
        byte[] salt,
        Sha256Hash fingerprint,
        string requestId,
        DateTimeOffset timestamp,
        IReadOnlyDictionary<string, AesGcm>? ciphers,
        V2Chaining v2)
    {
        byte[] canonical = _entry.WrittenSpan.ToArray();
        Sha256Hash leafHash = MerkleHasher.HashLeaf(canonical);
        var columns = new EntryColumns(
            requestId,
            timestamp,
            decision.Model.Name,
            decision.Model.Version,
            decision.Actor?.UserId,
            decision.Actor?.Tenant,
            // A v2 entry's subject column holds its ref: the clear id is in no entry and no column.
            v2.IsV2 ? v2.SubjectRef : decision.Subject?.Id,
            fingerprint.ToHex());
        var input = new StoredInput(seq, salt, _input.WrittenSpan.ToArray());
        if (ciphers is not null && decision.Subject?.Id is { } subjectId)
        {
            // The commitment above is over the plaintext; only the stored copy is encrypted.
            AesGcm cipher = ciphers.TryGetValue(subjectId, out AesGcm? found)
                ? found
                : throw new InvalidOperationException("subject.id: no input key was loaded for the decision's subject; the decision was not recorded.");
            Span<byte> nonce = stackalloc byte[12];
            _random.Fill(nonce);
            input = InputEncryption.Encrypt(cipher, input, nonce);
        }

        return (new StoredEntry(seq, canonical, leafHash, columns), input);
    }

    /// <summary>Builds the entry of a ledger event: no input, no fingerprint.</summary>
    /// <param name="seq">The entry's seq.</param>
    /// <param name="ledgerEvent">The event.</param>
    /// <param name="requestId">The entry's request id.</param>
    /// <param name="timestamp">When it was recorded, whole microseconds.</param>
    public static StoredEntry BuildEvent(long seq, LedgerEvent ledgerEvent, string requestId, DateTimeOffset timestamp)
    {
        // The event's version is its own (LedgerEvent.Version): a v1 erasure, or v2 for everything else.
        byte[] canonical = EventCanonicalizer.ToCanonicalBytes(new EventEntry(seq, requestId, timestamp, ledgerEvent));
        var columns = new EntryColumns(
            requestId,
            timestamp,
            ModelName: string.Empty,
            ModelVersion: string.Empty,
            UserId: null,
            Tenant: null,
            SubjectId: ledgerEvent.SubjectColumn,
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

    public void Dispose()
    {
        _fingerprint.Dispose();
        _sections.Dispose();
    }

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
