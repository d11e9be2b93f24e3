using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>Log messages of the pending-halves journal's redaction (category <c>DecisionLedger.Server</c>, event ids 309x).</summary>
internal static partial class JournalLog
{
    [LoggerMessage(EventId = 3090, Level = LogLevel.Error, Message = "Pending-halves journal {Path}: the {Kind} half '{Id}', journaled before halves were redacted, cannot be redacted ({Problem}); its line is kept as found until the half is recorded or refused")]
    public static partial void RawHalfKept(ILogger logger, string path, string kind, string id, string problem);
}
