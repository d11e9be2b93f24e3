namespace DecisionLedger.Archiving;

/// <summary>A seq range whose decision bodies a committed <c>archived</c> event moved out of the live store.</summary>
/// <param name="FirstSeq">The first seq of the range.</param>
/// <param name="LastSeq">The last seq of the range (inclusive).</param>
/// <param name="EventSeq">The seq of the <c>archived</c> event entry that commits to the files.</param>
/// <param name="Destination">Where the files are (<see cref="IArchiveDestination.Describe"/>).</param>
/// <param name="RemovedRows">How many decision rows the live store removed for this range (0 until <see cref="IArchivedRangeStore.RemoveArchivedBodiesAsync"/> ran).</param>
public sealed record ArchivedRange(long FirstSeq, long LastSeq, long EventSeq, string Destination, long RemovedRows = 0);
