using Microsoft.Extensions.Logging;

namespace DecisionLedger.Redis.Sequencing;

/// <summary>Source-generated log messages of the sequencer (the election logs 3101-3104 from DecisionLedger.PostgreSql), with stable event ids.</summary>
internal static partial class SequencerLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Sequencer {Consumer} reading {Stream} through group {Group}")]
    public static partial void Started(ILogger logger, string consumer, string stream, string group);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Stream entry {EntryId} moved to the dead-letter stream: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string entryId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Claimed {Count} pending entries idle for at least {MinIdleMs} ms from other consumers")]
    public static partial void Claimed(ILogger logger, int count, long minIdleMs);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Sequencer iteration failed; unacknowledged entries stay pending and are read again")]
    public static partial void IterationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Decision {RequestId} was already recorded (redelivered); acknowledged without recording it again")]
    public static partial void Redelivered(ILogger logger, string requestId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Sequencer {Consumer} stopped")]
    public static partial void Stopped(ILogger logger, string consumer);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "The sequencer's ledger could not be opened or failed; retrying")]
    public static partial void LedgerFailed(ILogger logger, Exception exception);
}
