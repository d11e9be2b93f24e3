using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// Tells a re-sent decision from a conflicting one: a line whose <c>requestId</c> is already in
/// the ledger is the same decision when recording it again would store the same entry. That is
/// how <c>record</c> resumes after a crash, when lines were committed but their receipts never printed.
/// </summary>
/// <remarks>
/// The entry is rebuilt from the line exactly as the recorder builds it (the ledger's redaction
/// policy applied, then canonicalized) with what the body does not determine taken from the
/// stored entry: its seq, the timestamp assigned at record time when the line has none, and the
/// salted input digest. The input itself, stored only redacted and committed only salted, is
/// compared through its fingerprint (the keyed hash of the input as received). An entry whose
/// fingerprint is gone (its subject erased) cannot be matched, so re-sending it is a conflict.
/// </remarks>
internal sealed class ResentDecisionMatcher(ILedgerStore store, IRedactor redactor, InputFingerprinter fingerprinter)
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>The stored entry of <paramref name="requestId"/> when <paramref name="decision"/> would record exactly it; otherwise null.</summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public async ValueTask<StoredEntry?> FindSameAsync(Decision decision, string requestId, CancellationToken cancellationToken)
    {
        StoredEntry? stored = await store.FindByRequestIdAsync(requestId, cancellationToken);
        if (stored is null
            || !string.Equals(stored.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal)
            || stored.Columns.InputFingerprint is not { } storedFingerprint
            || !string.Equals(fingerprinter.Fingerprint(decision.Input).ToHex(), storedFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        LedgerEntry committed;
        try
        {
            committed = EntryCanonicalizer.Parse(stored.CanonicalBytes);
        }
        catch (FormatException)
        {
            // A stored entry this version cannot read back cannot be shown to be the same decision.
            return null;
        }

        RedactionResult redaction = redactor.Redact(decision);
        Decision redacted = redaction.Redacted;
        var candidate = new LedgerEntry
        {
            V = committed.V,
            Seq = stored.Seq,
            RequestId = requestId,
            Timestamp = decision.Timestamp is { } timestamp ? ToMicroseconds(timestamp) : committed.Timestamp,
            Model = redacted.Model,
            Actor = redacted.Actor,
            Subject = redacted.Subject,
            Output = redacted.Output,
            Explanation = redacted.Explanation,
            LatencyMs = redacted.LatencyMs,
            Metadata = redacted.Metadata,
            InputDigest = committed.InputDigest,
            Redactions = redaction.Applied,
        };

        byte[] rebuilt;
        try
        {
            rebuilt = EntryCanonicalizer.ToCanonicalBytes(candidate);
        }
        catch (ArgumentException)
        {
            // A line the current entry format cannot hold under that seq is not the stored entry.
            return null;
        }

        return rebuilt.AsSpan().SequenceEqual(stored.CanonicalBytes) ? stored : null;
    }

    // Entry timestamps keep whole microseconds, as the recorder stores them.
    private static DateTimeOffset ToMicroseconds(DateTimeOffset value)
    {
        DateTimeOffset utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TicksPerMicrosecond), TimeSpan.Zero);
    }
}
