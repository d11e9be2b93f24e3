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

    /// <exception cref="InvalidOperationException">The event's version is not the ledger's: a v1 erasure after the switch, or a v2 event before it.</exception>
    public override (StoredEntry Entry, StoredInput? Input) Build(EntryBuilder builder, long seq, IReadOnlyDictionary<string, AesGcm>? ciphers, ChainState? chains)
    {
        int ledgerVersion = chains is null ? LedgerEntry.CurrentVersion : LedgerEntry.Version2;
        if (Event.Version != ledgerVersion)
        {
            throw new InvalidOperationException(
                $"event.v: a v{Event.Version} {Event.Kind} event cannot be recorded in a ledger writing v{ledgerVersion} entries; "
                + (ledgerVersion == LedgerEntry.Version2 ? "name the erased subject by its ref (ErasureEvent.SubjectRef), as SubjectEraser does." : "open the recorder with LedgerOptions.EntryFormat = 2."));
        }

        return (EntryBuilder.BuildEvent(seq, Event, RequestId, Timestamp), null);
    }
}
