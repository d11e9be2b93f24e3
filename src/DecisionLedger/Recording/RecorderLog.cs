using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>Source-generated log messages of the recorder, with stable event ids.</summary>
internal static partial class RecorderLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Decision queue full ({Capacity}); decision {RequestId} rejected")]
    public static partial void QueueFullRejected(ILogger logger, int capacity, string requestId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Decision {RequestId} rejected: its request id is already recorded")]
    public static partial void DuplicateRejected(ILogger logger, string requestId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Group commit of {Count} entries failed (attempt {Attempt} of {MaxAttempts}); retrying")]
    public static partial void AppendRetrying(ILogger logger, Exception exception, int count, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Critical, Message = "Group commit of {Count} entries failed after {MaxAttempts} attempts; these decisions are NOT recorded (first request id {FirstRequestId})")]
    public static partial void AppendFailed(ILogger logger, Exception exception, int count, int maxAttempts, string firstRequestId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Checkpoint signed at tree size {TreeSize}, root {RootHash}")]
    public static partial void CheckpointSigned(ILogger logger, long treeSize, string rootHash);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Recorder opened ledger {Origin} at size {Size}")]
    public static partial void Opened(ILogger logger, string origin, long size);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Recorder drained and stopped at size {Size}")]
    public static partial void Stopped(ILogger logger, long size);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Decision {RequestId} failed while building its entry")]
    public static partial void BuildFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "Checkpoint at tree size {TreeSize} could not be stored; the entries are durable and a newer checkpoint follows")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, long treeSize);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "The ledger switches to entry format 2 at seq {Seq} (its format event); every entry from it on is v2")]
    public static partial void SwitchedToV2(ILogger logger, long seq);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Critical, Message = "Refusing to open the ledger: {Count} entries from seq {FirstSeq} on appeared after its clean close at tree size {ClosedAt} and no signed checkpoint covers them (entry-uncovered); run 'dledger verify', and only if they are genuine 'dledger checkpoint --new --accept-uncovered-tail'")]
    public static partial void UncoveredTailRefused(ILogger logger, long firstSeq, long count, long closedAt);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "The clean close could not be recorded; the next open treats any uncovered tail as left by a crash")]
    public static partial void CleanCloseNotRecorded(ILogger logger, Exception exception);
}
