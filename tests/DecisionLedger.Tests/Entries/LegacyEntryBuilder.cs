using System.Security.Cryptography;
using DecisionLedger.Canonicalization;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Entries;

/// <summary>
/// The entry builder as it was before the one-pass writer: canonicalize the original input for the
/// fingerprint, redact into a copy of the decision, canonicalize the redacted input again, then write
/// the entry from a <see cref="LedgerEntry"/>. Kept as the oracle the new path must match byte for byte
/// (tests) and as the baseline it is measured against (benchmarks link this file).
/// </summary>
internal sealed class LegacyEntryBuilder : IDisposable
{
    private readonly IRandomSource _random;
    private readonly IRedactor _redactor;
    private readonly IncrementalHash _fingerprint;

    public LegacyEntryBuilder(InputFingerprinter fingerprinter, IRandomSource random, IRedactor redactor)
    {
        _random = random;
        _redactor = redactor;
        _fingerprint = fingerprinter.CreateHmac();
    }

    public (StoredEntry Entry, StoredInput Input, IReadOnlyList<AppliedRedaction> Applied) Build(long seq, Decision decision, string requestId, DateTimeOffset timestamp)
    {
        byte[] originalInput = JsonCanonicalizer.Canonicalize(decision.Input);
        _fingerprint.AppendData(originalInput);
        Sha256Hash fingerprint = Sha256Hash.FromBytes(_fingerprint.GetHashAndReset());

        RedactionResult redaction = _redactor.Redact(decision);
        byte[] canonicalInput = redaction.Applied.Count == 0 ? originalInput : JsonCanonicalizer.Canonicalize(redaction.Redacted.Input);
        (StoredEntry entry, StoredInput input) = BuildRedacted(seq, redaction.Redacted, redaction.Applied, fingerprint, canonicalInput, requestId, timestamp);
        return (entry, input, redaction.Applied);
    }

    public (StoredEntry Entry, StoredInput Input) BuildPrepared(long seq, Recording.RedactedDecision prepared) =>
        BuildRedacted(seq, prepared.Decision, prepared.Redactions, prepared.InputFingerprint, JsonCanonicalizer.Canonicalize(prepared.Decision.Input), prepared.RequestId, prepared.Timestamp);

    public void Dispose() => _fingerprint.Dispose();

    private (StoredEntry Entry, StoredInput Input) BuildRedacted(
        long seq,
        Decision decision,
        IReadOnlyList<AppliedRedaction> applied,
        Sha256Hash fingerprint,
        byte[] canonicalInput,
        string requestId,
        DateTimeOffset timestamp)
    {
        byte[] salt = new byte[InputCommitment.SaltSize];
        _random.Fill(salt);
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
        var columns = new EntryColumns(
            requestId,
            timestamp,
            decision.Model.Name,
            decision.Model.Version,
            decision.Actor?.UserId,
            decision.Actor?.Tenant,
            decision.Subject?.Id,
            fingerprint.ToHex());
        return (new StoredEntry(seq, canonical, MerkleHasher.HashLeaf(canonical), columns), new StoredInput(seq, salt, canonicalInput));
    }
}
