using Microsoft.Extensions.Logging;

namespace DecisionLedger.Timestamping;

/// <summary>Source-generated log messages of the checkpoint time-stamper, with stable event ids.</summary>
internal static partial class TimestampingLog
{
    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Checkpoint at tree size {TreeSize} time-stamped by {Authority}")]
    public static partial void Stamped(ILogger logger, long treeSize, string authority);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "Time-stamping the checkpoint at tree size {TreeSize} by {Authority} failed ({Outcome}): {Reason} Retrying in {RetryIn}; ingestion is not affected")]
    public static partial void Failed(ILogger logger, long treeSize, string authority, string outcome, string reason, TimeSpan retryIn);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Error, Message = "Storing the time-stamp token of {Authority} for the checkpoint at tree size {TreeSize} failed; retrying in {RetryIn}")]
    public static partial void StoreFailed(ILogger logger, Exception exception, long treeSize, string authority, TimeSpan retryIn);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Error, Message = "Reading the newest checkpoint for time-stamping failed; trying again in {RetryIn}")]
    public static partial void ReadFailed(ILogger logger, Exception exception, TimeSpan retryIn);
}
