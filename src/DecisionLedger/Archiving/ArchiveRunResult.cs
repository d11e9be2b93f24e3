namespace DecisionLedger.Archiving;

/// <summary>The outcome of one archive run.</summary>
/// <param name="FirstSeq">The first seq of the archived range.</param>
/// <param name="LastSeq">The last seq of the archived range.</param>
/// <param name="EventSeq">The seq of the <c>archived</c> event entry.</param>
/// <param name="Destination">Where the files went.</param>
/// <param name="Files">The files written and checked.</param>
/// <param name="RemovedRows">The decision entries the live store dropped.</param>
public sealed record ArchiveRunResult(long FirstSeq, long LastSeq, long EventSeq, string Destination, IReadOnlyList<ArchivedFile> Files, long RemovedRows);
