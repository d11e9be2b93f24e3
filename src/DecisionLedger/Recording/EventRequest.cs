using System.Security.Cryptography;
using DecisionLedger.Entries;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>A ledger event (e.g. an erasure): always awaited, never encrypted, no input.</summary>
internal sealed class EventRequest(LedgerEvent ledgerEvent, string requestId, DateTimeOffset timestamp)
    : EntryRequest(requestId, timestamp, idSuppliedByCaller: false, awaited: true, includeProof: false, onFailure: null)
{
    public LedgerEvent Event { get; } = ledgerEvent;

    public override string? SubjectId => null;

    public override (StoredEntry Entry, StoredInput? Input) Build(EntryBuilder builder, long seq, IReadOnlyDictionary<string, AesGcm>? ciphers) =>
        (EntryBuilder.BuildEvent(seq, Event, RequestId, Timestamp), null);
}
