using DecisionLedger.Entries;
using DecisionLedger.Hashing;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// What the ledger's redaction policy did to a half before it was written to the pending-halves journal: the
/// redactions applied to the parts of the decision the half supplies (its body, and the headers and annotations
/// it brings to <c>metadata</c>), and for a request half the keyed fingerprint of its original body. A half
/// replayed from the journal carries it, so its decision is recorded as if the original had been redacted then.
/// </summary>
/// <param name="Applied">The redactions applied (paths and rules, never values), in document order.</param>
/// <param name="InputFingerprint">For a request half: <c>HMAC-SHA256(fingerprintKey, JCS(body))</c> of the original body; null for a response.</param>
internal sealed record HalfRedaction(IReadOnlyList<AppliedRedaction> Applied, Sha256Hash? InputFingerprint);
