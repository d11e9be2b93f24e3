namespace DecisionLedger.Archiving;

/// <summary>What one archive run would move: a closed seq range and its decision rows grouped by (model, UTC month).</summary>
/// <param name="FirstSeq">The first seq of the range.</param>
/// <param name="LastSeq">The last seq of the range (inclusive); every decision entry in it is due.</param>
/// <param name="CheckpointSize">The size of the signed checkpoint covering the range.</param>
/// <param name="Groups">One group per archive file, by path.</param>
public sealed record ArchivePlan(long FirstSeq, long LastSeq, long CheckpointSize, IReadOnlyList<ArchivePlanGroup> Groups)
{
    /// <summary>The number of decision entries the run archives.</summary>
    public long Decisions => Groups.Sum(g => (long)g.Rows.Count);

    /// <summary>The bytes of entry bodies and stored inputs the live store gives up.</summary>
    public long Bytes => Groups.Sum(g => g.Bytes);
}
