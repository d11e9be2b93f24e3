using System.Buffers;
using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;
using DecisionLedger.Records;

namespace DecisionLedger.Entries;

/// <summary>
/// Writes a decision's entry bytes straight from the decision's parts, with no <see cref="LedgerEntry"/> in
/// between: the builder's path. Output and metadata arrive already canonical (and redacted), so they are
/// copied; everything else is written as <see cref="EntryCanonicalizer.Write"/> writes it, in the same key order,
/// with the same checks, so the bytes are identical.
/// </summary>
internal static class DecisionEntryWriter
{
    /// <summary>Writes the entry.</summary>
    /// <param name="output">Receives the canonical entry.</param>
    /// <param name="seq">The entry's sequence number.</param>
    /// <param name="requestId">The decision's id.</param>
    /// <param name="timestamp">The decision's time, whole microseconds.</param>
    /// <param name="decision">Supplies model, actor, subject and latency (never redacted).</param>
    /// <param name="explanation">The explanation after redaction, if any.</param>
    /// <param name="inputDigest">The input commitment.</param>
    /// <param name="canonicalOutput">The JCS bytes of the (redacted) output.</param>
    /// <param name="canonicalMetadata">The JCS bytes of the (redacted) metadata; empty when the entry has none.</param>
    /// <param name="redactions">What redaction applied, in order.</param>
    /// <exception cref="ArgumentException">A field cannot be written canonically; see <see cref="EntryCanonicalizer.Write"/>.</exception>
    public static void Write(
        IBufferWriter<byte> output,
        long seq,
        string requestId,
        DateTimeOffset timestamp,
        Decision decision,
        Explanation? explanation,
        Sha256Hash inputDigest,
        ReadOnlySpan<byte> canonicalOutput,
        ReadOnlySpan<byte> canonicalMetadata,
        IReadOnlyList<AppliedRedaction> redactions)
    {
        bool first = true;
        EntryCanonicalizer.WriteRaw(output, "{"u8);
        if (decision.Actor is { } actor)
        {
            EntryCanonicalizer.Key(output, ref first, "\"actor\":"u8);
            bool inner = true;
            EntryCanonicalizer.WriteRaw(output, "{"u8);
            EntryCanonicalizer.OptionalString(output, ref inner, "\"tenant\":"u8, actor.Tenant);
            EntryCanonicalizer.OptionalString(output, ref inner, "\"userId\":"u8, actor.UserId);
            EntryCanonicalizer.WriteRaw(output, "}"u8);
        }

        if (explanation is not null)
        {
            EntryCanonicalizer.Key(output, ref first, "\"explanation\":"u8);
            EntryCanonicalizer.WriteExplanation(output, explanation);
        }

        EntryCanonicalizer.Key(output, ref first, "\"inputDigest\":"u8);
        EntryCanonicalizer.WriteDigest(output, inputDigest);
        if (decision.LatencyMs is { } latency)
        {
            EntryCanonicalizer.Key(output, ref first, "\"latencyMs\":"u8);
            EntryCanonicalizer.Number(output, latency, "latencyMs");
        }

        if (!canonicalMetadata.IsEmpty)
        {
            EntryCanonicalizer.Key(output, ref first, "\"metadata\":"u8);
            EntryCanonicalizer.WriteRaw(output, canonicalMetadata);
        }

        EntryCanonicalizer.Key(output, ref first, "\"model\":"u8);
        EntryCanonicalizer.WriteModel(output, decision.Model);
        EntryCanonicalizer.Key(output, ref first, "\"output\":"u8);
        EntryCanonicalizer.WriteRaw(output, canonicalOutput);
        EntryCanonicalizer.Key(output, ref first, "\"redactions\":"u8);
        EntryCanonicalizer.WriteRedactions(output, redactions);
        EntryCanonicalizer.Key(output, ref first, "\"requestId\":"u8);
        JsonCanonicalizer.WriteString(requestId, output);
        EntryCanonicalizer.Key(output, ref first, "\"seq\":"u8);
        EntryCanonicalizer.WriteInteger(output, seq);
        if (decision.Subject is { } subject)
        {
            EntryCanonicalizer.Key(output, ref first, "\"subject\":"u8);
            bool inner = true;
            EntryCanonicalizer.WriteRaw(output, "{"u8);
            EntryCanonicalizer.OptionalString(output, ref inner, "\"id\":"u8, subject.Id);
            EntryCanonicalizer.WriteRaw(output, "}"u8);
        }

        EntryCanonicalizer.Key(output, ref first, "\"timestamp\":"u8);
        EntryCanonicalizer.WriteTimestamp(output, timestamp);
        EntryCanonicalizer.Key(output, ref first, "\"v\":"u8);
        EntryCanonicalizer.WriteInteger(output, LedgerEntry.CurrentVersion);
        EntryCanonicalizer.WriteRaw(output, "}"u8);
    }
}
