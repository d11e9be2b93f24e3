namespace DecisionLedger.Archiving.S3;

/// <summary>How <see cref="S3ArchiveDestination"/> uploads.</summary>
public sealed class S3ArchiveOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (all parts but the last): 5 MiB.</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>
    /// The size of one upload part, and so the size above which a file goes up as a multipart
    /// upload rather than one PUT. Default 16 MiB; at least <see cref="MinimumPartSize"/>. Each part
    /// is held in memory once while it is hashed and sent.
    /// </summary>
    public int PartSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// How many parts of one multipart upload are hashed and sent at once. Default 4; at least 1.
    /// A part's round trip to S3 is mostly waiting, so parts in parallel multiply the throughput of a
    /// large file; memory held is up to (this + 1) × <see cref="PartSize"/>.
    /// </summary>
    public int ConcurrentParts { get; init; } = 4;
}
