using System.Security.Cryptography;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>A decision as the caller handed it: the builder fingerprints, redacts and canonicalizes it.</summary>
internal sealed class DecisionRequest(
    Decision decision,
    string requestId,
    bool idSuppliedByCaller,
    DateTimeOffset timestamp,
    bool awaited,
    bool includeProof,
    Action<string, Exception>? onFailure)
    : EntryRequest(requestId, timestamp, idSuppliedByCaller, awaited, includeProof, onFailure)
{
    public Decision Decision { get; } = decision;

    public override string? SubjectId => Decision.Subject?.Id;

    public override (StoredEntry Entry, StoredInput? Input) Build(EntryBuilder builder, long seq, IReadOnlyDictionary<string, AesGcm>? ciphers, ChainState? chains) =>
        builder.Build(seq, Decision, RequestId, Timestamp, ciphers, new V2Chaining(chains, SubjectRef));
}
