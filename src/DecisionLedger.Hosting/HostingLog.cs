using Microsoft.Extensions.Logging;

namespace DecisionLedger.Hosting;

/// <summary>Source-generated log messages of the hosted ledger; the event ids are those it had in DecisionLedger.AspNetCore.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Decision ledger {Origin} opened at {Path}")]
    public static partial void LedgerOpened(ILogger logger, string origin, string path);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Decision ledger created at {Path} with origin {Origin}")]
    public static partial void LedgerCreated(ILogger logger, string path, string origin);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "A scheduled ledger report ({Report}) failed")]
    public static partial void ReportFailed(ILogger logger, Exception exception, string report);
}
