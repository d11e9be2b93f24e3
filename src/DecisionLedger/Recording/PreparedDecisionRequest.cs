using System.Security.Cryptography;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// A decision a collector already redacted and fingerprinted: stored as is. Its id counts as
/// caller-supplied, so a redelivery is refused as a duplicate instead of recorded twice.
/// </summary>
internal sealed class PreparedDecisionRequest(RedactedDecision prepared, bool includeProof)
    : EntryRequest(prepared.RequestId, prepared.Timestamp, idSuppliedByCaller: true, awaited: true, includeProof, onFailure: null)
{
    public RedactedDecision Prepared { get; } = prepared;

    public override string? SubjectId => Prepared.Decision.Subject?.Id;

    public override (StoredEntry Entry, StoredInput? Input) Build(EntryBuilder builder, long seq, IReadOnlyDictionary<string, AesGcm>? ciphers, ChainState? chains) =>
        builder.Build(seq, Prepared, ciphers, new V2Chaining(chains, SubjectRef));
}
