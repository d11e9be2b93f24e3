using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Decisions;

namespace DecisionLedger.Recording;

/// <summary>
/// A decision already through the privacy step, as a collector hands it to a durable buffer:
/// redacted, with its request id and timestamp fixed, the redactions applied, and the input
/// fingerprint taken over the original input. The recorder stores it as is: it neither
/// redacts again nor fingerprints the (redacted) input.
/// </summary>
/// <remarks>Made by <see cref="DecisionPreparer.Prepare"/>; the sequencer rebuilds it from the buffer.</remarks>
/// <param name="Decision">The redacted decision; its <see cref="Decisions.Decision.RequestId"/> and <see cref="Decisions.Decision.Timestamp"/> are set.</param>
/// <param name="Redactions">The redactions applied (paths and rules, never values), in document order.</param>
/// <param name="InputFingerprint"><c>HMAC-SHA256(fingerprintKey, JCS(originalInput))</c>, computed before redaction.</param>
public sealed record RedactedDecision(Decision Decision, IReadOnlyList<AppliedRedaction> Redactions, Sha256Hash InputFingerprint)
{
    /// <summary>The decision's request id (always set on a prepared decision).</summary>
    public string RequestId => Decision.RequestId ?? throw new InvalidOperationException("requestId: a prepared decision always carries its request id.");

    /// <summary>The decision's timestamp (always set on a prepared decision).</summary>
    public DateTimeOffset Timestamp => Decision.Timestamp ?? throw new InvalidOperationException("timestamp: a prepared decision always carries its timestamp.");
}
