namespace DecisionLedger.Archiving;

/// <summary>One decision entry as archived: one row of an archive file (<see cref="ArchiveParquetSchema"/>).</summary>
/// <param name="Seq">The entry's seq.</param>
/// <param name="RequestId">The entry's request id.</param>
/// <param name="Timestamp">The entry's timestamp, microseconds since the Unix epoch, UTC.</param>
/// <param name="Model">The model name, or <see langword="null"/>.</param>
/// <param name="Version">The model version, or <see langword="null"/>.</param>
/// <param name="Subject">v1: the clear subject id; v2: the subject ref; <see langword="null"/> when the decision names no subject.</param>
/// <param name="Entry">The canonical entry bytes, exactly as hashed: leaf = SHA-256(0x00 ‖ entry).</param>
/// <param name="Input">The stored input bytes (in the encrypted form when the ledger encrypts inputs), or <see langword="null"/> when none is held.</param>
/// <param name="Salt">The stored salt, or <see langword="null"/>.</param>
public sealed record ArchiveRow(
    long Seq,
    string RequestId,
    long Timestamp,
    string? Model,
    string? Version,
    string? Subject,
    byte[] Entry,
    byte[]? Input,
    byte[]? Salt);
