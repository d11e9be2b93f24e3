using Microsoft.Extensions.Logging;

namespace DecisionLedger.PostgreSql.Election;

/// <summary>Source-generated log messages of the leader election, with the stable event ids they had in DecisionLedger.Redis.</summary>
internal static partial class LeaderElectionLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Leadership of ledger {Origin} acquired (advisory lock {LockKey})")]
    public static partial void LeadershipAcquired(ILogger logger, string origin, long lockKey);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Leadership of ledger {Origin} lost: the lock connection failed; appending stops")]
    public static partial void LeadershipLost(ILogger logger, Exception? exception, string origin);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Leader election for {Origin} cannot reach PostgreSQL; retrying")]
    public static partial void ElectionUnreachable(ILogger logger, Exception exception, string origin);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Standing by: another sequencer leads ledger {Origin}")]
    public static partial void StandingBy(ILogger logger, string origin);
}
