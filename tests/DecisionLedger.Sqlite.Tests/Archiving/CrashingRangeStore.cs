using DecisionLedger.Archiving;

namespace DecisionLedger.Sqlite.Tests.Archiving;

/// <summary>
/// The real SQLite store's archive facet, killed at one point of an archive run: after the
/// <c>archived</c> event is committed, when the range is to be recorded (<see cref="CrashPoint.RecordRange"/>)
/// or its bodies removed (<see cref="CrashPoint.RemoveBodies"/>), as a process killed there would leave it.
/// </summary>
public sealed class CrashingRangeStore(IArchivedRangeStore inner, CrashingRangeStore.CrashPoint crashAt) : IArchivedRangeStore
{
    public enum CrashPoint
    {
        RecordRange,
        RemoveBodies,
    }

    public ValueTask RecordArchivedRangeAsync(ArchivedRange range, CancellationToken cancellationToken = default) =>
        crashAt == CrashPoint.RecordRange ? throw new SimulatedCrashException() : inner.RecordArchivedRangeAsync(range, cancellationToken);

    public ValueTask<IReadOnlyList<ArchivedRange>> ReadArchivedRangesAsync(CancellationToken cancellationToken = default) => inner.ReadArchivedRangesAsync(cancellationToken);

    public ValueTask<long> RemoveArchivedBodiesAsync(long firstSeq, long lastSeq, CancellationToken cancellationToken = default) =>
        crashAt == CrashPoint.RemoveBodies ? throw new SimulatedCrashException() : inner.RemoveArchivedBodiesAsync(firstSeq, lastSeq, cancellationToken);

    public ValueTask CompactAsync(CancellationToken cancellationToken = default) => inner.CompactAsync(cancellationToken);

    public sealed class SimulatedCrashException() : Exception("simulated crash inside the archive run");
}
