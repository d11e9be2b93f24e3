using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Witnessing;

/// <summary>Source-generated log messages of the collector's witnessing, with stable event ids.</summary>
internal static partial class CollectorWitnessingLog
{
    [LoggerMessage(EventId = 1510, Level = LogLevel.Warning, Message = "Reading the witnessing state from the ledger's store failed; the status shows the last reading until the next poll")]
    public static partial void StoreReadFailed(ILogger logger, Exception exception);
}
