namespace DecisionLedger.Server.CloudEvents;

/// <summary>A half read back from the <see cref="PendingHalfJournal"/>: the event and when the collector first accepted it.</summary>
/// <param name="Event">The half.</param>
/// <param name="Received">When it was answered 202; its pairing timeout runs from here, across restarts.</param>
internal sealed record JournaledHalf(InferenceEvent Event, DateTimeOffset Received);
