using Parquet.Schema;

namespace DecisionLedger.Archiving;

/// <summary>
/// The columns of an archive file, in file order: one row per decision entry, sorted by seq.
/// DuckDB reads them with <c>read_parquet('…/**/*.parquet')</c>.
/// </summary>
public static class ArchiveParquetSchema
{
    /// <summary>The most rows in one row group; a file of more rows has several.</summary>
    public const int MaxRowGroupRows = 50_000;

    /// <summary><c>seq</c>: int64, required.</summary>
    public static DataField<long> Seq { get; } = new("seq", nullable: false);

    /// <summary><c>request_id</c>: string, required.</summary>
    public static DataField<string> RequestId { get; } = new("request_id", nullable: false);

    /// <summary><c>timestamp</c>: int64, microseconds since the Unix epoch, UTC; required.</summary>
    public static DataField<long> Timestamp { get; } = new("timestamp", nullable: false);

    /// <summary><c>model</c>: string, nullable.</summary>
    public static DataField<string> Model { get; } = new("model", nullable: true);

    /// <summary><c>version</c>: string, nullable.</summary>
    public static DataField<string> Version { get; } = new("version", nullable: true);

    /// <summary><c>subject</c>: string, nullable; v1 the clear subject id, v2 the subject ref.</summary>
    public static DataField<string> Subject { get; } = new("subject", nullable: true);

    /// <summary><c>entry</c>: byte array, required; the canonical entry bytes exactly as hashed.</summary>
    public static DataField<byte[]> Entry { get; } = new("entry", nullable: false);

    /// <summary><c>input</c>: byte array, nullable; the stored input if still held.</summary>
    public static DataField<byte[]> Input { get; } = new("input", nullable: true);

    /// <summary><c>salt</c>: byte array, nullable.</summary>
    public static DataField<byte[]> Salt { get; } = new("salt", nullable: true);

    /// <summary>The whole schema, columns in file order.</summary>
    public static ParquetSchema Schema { get; } = new(Seq, RequestId, Timestamp, Model, Version, Subject, Entry, Input, Salt);
}
