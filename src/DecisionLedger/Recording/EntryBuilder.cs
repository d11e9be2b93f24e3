using DecisionLedger.Canonicalization;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Records;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// Turns a decision into the stored entry, its input row and its leaf hash. The input is
/// canonicalized once and that one byte string feeds the fingerprint, the salted digest
/// and the stored copy.
/// </summary>
internal sealed class EntryBuilder(InputFingerprinter fingerprinter, IRandomSource random)
{
    public (StoredEntry Entry, StoredInput Input) Build(long seq, Decision decision, string requestId, DateTimeOffset timestamp)
    {
        byte[] canonicalInput = JsonCanonicalizer.Canonicalize(decision.Input);
        byte[] salt = new byte[InputCommitment.SaltSize];
        random.Fill(salt);
        Sha256Hash inputDigest = InputCommitment.ComputeDigest(salt, canonicalInput);
        Sha256Hash fingerprint = fingerprinter.Fingerprint(canonicalInput);

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
            Redactions = [],
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
        return (new StoredEntry(seq, canonical, leafHash, columns), new StoredInput(seq, salt, canonicalInput));
    }

    /// <summary>Truncates to whole microseconds, the precision of entry timestamps.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset value)
    {
        DateTimeOffset utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }
}
