using System.Buffers;
using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;
using DecisionLedger.Decisions;

namespace DecisionLedger.Entries;

/// <summary>
/// Writes a decision's entry bytes straight from the decision's parts, with no <see cref="LedgerEntry"/> in
/// between: the builder's path. Output and metadata arrive already canonical (and redacted), so they are
/// copied; everything else is written as <see cref="EntryCanonicalizer.Write"/> writes it, in the same key order,
/// with the same checks, so the bytes are identical. With chain links (<c>prev</c>) it writes a v2 entry: <c>prev</c>
/// between <c>output</c> and <c>redactions</c>, and <c>subject</c> as <c>{"ref":…}</c>.
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
    /// <param name="subjectRef">v2: the subject's ref, written as <c>subject.ref</c> instead of the decision's clear id; null when the decision has no subject.</param>
    /// <param name="prev">v2: the chain back-links. Non-null writes a v2 entry; null (the default) writes v1, byte for byte as before.</param>
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
        IReadOnlyList<AppliedRedaction> redactions,
        string? subjectRef = null,
        ChainLinks? prev = null)
    {
        bool v2 = prev is not null;
        if (v2)
        {
            // The decision carries the clear id; the entry gets the ref in its place, never the id.
            EntryCanonicalizer.ValidateVersion2(seq, subject: null, subjectRef, prev);
            if ((decision.Subject?.Id is null) != (subjectRef is null))
            {
                throw new ArgumentException(
                    subjectRef is null
                        ? "Entry field 'subject.ref' is missing: the decision has a subject id, and a v2 entry names it by its ref."
                        : "Entry field 'subject.ref' is set but the decision has no subject id.",
                    nameof(subjectRef));
            }
        }
        else if (subjectRef is not null)
        {
            throw new ArgumentException("Entry field 'subject.ref' is set but 'prev' is not; a ref exists only in a v2 entry, which needs its chain links too.", nameof(subjectRef));
        }

        bool first = true;
        CanonicalTokenWriter.WriteRaw(output, "{"u8);
        if (decision.Actor is { } actor)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"actor\":"u8);
            CanonicalEntryParts.WriteActor(output, actor);
        }

        if (explanation is not null)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"explanation\":"u8);
            CanonicalEntryParts.WriteExplanation(output, explanation);
        }

        CanonicalTokenWriter.Key(output, ref first, "\"inputDigest\":"u8);
        CanonicalTokenWriter.WriteDigest(output, inputDigest);
        if (decision.LatencyMs is { } latency)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"latencyMs\":"u8);
            CanonicalTokenWriter.Number(output, latency, "latencyMs");
        }

        if (!canonicalMetadata.IsEmpty)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"metadata\":"u8);
            CanonicalTokenWriter.WriteRaw(output, canonicalMetadata);
        }

        CanonicalTokenWriter.Key(output, ref first, "\"model\":"u8);
        CanonicalEntryParts.WriteModel(output, decision.Model);
        CanonicalTokenWriter.Key(output, ref first, "\"output\":"u8);
        CanonicalTokenWriter.WriteRaw(output, canonicalOutput);
        if (v2)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"prev\":"u8);
            CanonicalEntryParts.WritePrev(output, prev!);
        }

        CanonicalTokenWriter.Key(output, ref first, "\"redactions\":"u8);
        CanonicalEntryParts.WriteRedactions(output, redactions);
        CanonicalTokenWriter.Key(output, ref first, "\"requestId\":"u8);
        JsonCanonicalizer.WriteString(requestId, output);
        CanonicalTokenWriter.Key(output, ref first, "\"seq\":"u8);
        CanonicalTokenWriter.WriteInteger(output, seq);
        if (v2)
        {
            if (subjectRef is not null)
            {
                CanonicalTokenWriter.Key(output, ref first, "\"subject\":"u8);
                CanonicalEntryParts.WriteSubjectRef(output, subjectRef);
            }
        }
        else if (decision.Subject is { } subject)
        {
            CanonicalTokenWriter.Key(output, ref first, "\"subject\":"u8);
            CanonicalEntryParts.WriteSubject(output, subject);
        }

        CanonicalTokenWriter.Key(output, ref first, "\"timestamp\":"u8);
        CanonicalTokenWriter.WriteTimestamp(output, timestamp);
        CanonicalTokenWriter.Key(output, ref first, "\"v\":"u8);
        CanonicalTokenWriter.WriteInteger(output, v2 ? LedgerEntry.Version2 : LedgerEntry.CurrentVersion);
        CanonicalTokenWriter.WriteRaw(output, "}"u8);
    }
}
