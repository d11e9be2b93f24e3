using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Decisions;

namespace DecisionLedger.Recording;

/// <summary>
/// Turns what a caller hands the recorder into queue items: checks the decision can be recorded,
/// assigns a UUIDv7 request id when none is supplied and fixes the timestamp to microseconds.
/// Runs on the caller's thread, so it does no I/O.
/// </summary>
internal sealed class DecisionRequestFactory(TimeProvider time, IRandomSource random) : IDisposable
{
    private readonly BufferedRandomSource _idRandom = new(random);

    public DecisionRequest Create(Decision decision, bool awaited, bool includeProof, Action<string, Exception>? onFailure)
    {
        ArgumentNullException.ThrowIfNull(decision);
        RecordableDecision.Ensure(decision);
        bool supplied = decision.RequestId is not null;
        string requestId = decision.RequestId ?? Uuid7.Create(time.GetUtcNow(), _idRandom);
        DateTimeOffset timestamp = EntryBuilder.ToMicroseconds(decision.Timestamp ?? time.GetUtcNow());
        return new DecisionRequest(decision, requestId, supplied, timestamp, awaited, includeProof, onFailure);
    }

    public EventRequest CreateEvent(LedgerEvent ledgerEvent)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        DateTimeOffset now = time.GetUtcNow();
        return new EventRequest(ledgerEvent, Uuid7.Create(now, _idRandom), EntryBuilder.ToMicroseconds(now));
    }

    public void Dispose() => _idRandom.Dispose();
}
