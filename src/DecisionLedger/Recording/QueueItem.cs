namespace DecisionLedger.Recording;

/// <summary>
/// One item of the recorder's queue: a request for an entry (<see cref="EntryRequest"/>) or a
/// control signal (<see cref="FlushRequest"/>, <see cref="CheckpointTick"/>). The builder
/// tells them apart by type, never by which fields happen to be null.
/// </summary>
internal abstract class QueueItem;
