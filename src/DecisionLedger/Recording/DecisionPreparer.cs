using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Recording;

/// <summary>
/// The privacy step of the recorder, run where a decision enters the system (a collector in
/// front of a durable buffer) so that nothing unredacted is ever stored, not even in the buffer:
/// validates, assigns the request id (UUIDv7) and timestamp when absent, fingerprints the
/// original input, and redacts. Thread-safe.
/// </summary>
public sealed class DecisionPreparer
{
    private readonly InputFingerprinter _fingerprinter;
    private readonly IRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;

    /// <summary>Creates the step with the ledger's fingerprint key and redaction policy.</summary>
    /// <param name="fingerprinter">The ledger's input fingerprinter (same key as the ledger's).</param>
    /// <param name="redactor">The ledger's redactor (same policy as the ledger's).</param>
    /// <param name="timeProvider">The clock for absent timestamps; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="random">Randomness for request ids; default the OS CSPRNG.</param>
    public DecisionPreparer(InputFingerprinter fingerprinter, IRedactor redactor, TimeProvider? timeProvider = null, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(fingerprinter);
        ArgumentNullException.ThrowIfNull(redactor);
        _fingerprinter = fingerprinter;
        _redactor = redactor;
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? CryptographicRandomSource.Instance;
    }

    /// <summary>Validates, identifies, fingerprints and redacts <paramref name="decision"/>.</summary>
    /// <param name="decision">A parsed decision.</param>
    /// <returns>The redacted decision with its request id, timestamp (whole microseconds, UTC), redactions and fingerprint.</returns>
    /// <exception cref="DecisionValidationException">A required field is missing or malformed; the message names it.</exception>
    /// <exception cref="RedactionException">A redaction rule failed; the decision must not be recorded.</exception>
    public RedactedDecision Prepare(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        RecordableDecision.Ensure(decision);
        DateTimeOffset now = _time.GetUtcNow();
        Sha256Hash fingerprint = _fingerprinter.Fingerprint(decision.Input);
        RedactionResult redaction = _redactor.Redact(decision);
        Decision identified = redaction.Redacted with
        {
            RequestId = decision.RequestId ?? Uuid7.Create(now, _random),
            Timestamp = EntryBuilder.ToMicroseconds(decision.Timestamp ?? now),
        };
        return new RedactedDecision(identified, redaction.Applied, fingerprint);
    }
}
