namespace DecisionLedger.Entries;

/// <summary>
/// A ledger event as committed to the Merkle tree: the event with its <c>seq</c>, request id and
/// time. Its canonical bytes, from <see cref="EventCanonicalizer"/>, are hashed like any leaf.
/// </summary>
/// <param name="Seq">The entry's position in the ledger.</param>
/// <param name="RequestId">The entry's id (a UUIDv7), unique in the ledger like a decision's.</param>
/// <param name="Timestamp">When the event was recorded; UTC, at most microsecond precision.</param>
/// <param name="Event">What happened.</param>
internal sealed record EventEntry(long Seq, string RequestId, DateTimeOffset Timestamp, LedgerEvent Event)
{
    /// <summary>The leaf format version: the event's own (<see cref="LedgerEvent.Version"/>): 1 for a v1 erasure, 2 otherwise.</summary>
    public int V { get; init; } = Event.Version;
}
