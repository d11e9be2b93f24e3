using Microsoft.Extensions.Logging;

namespace DecisionLedger.Retention;

/// <summary>Log messages of retention (event ids 1610–1619).</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 1610, Level = LogLevel.Warning, Message = "Retention rule {Rule} keeps archived data for {Keep}, below the legal floor {Floor}, by an explicit override: reason \"{Reason}\", by {By} (policy {Source})")]
    public static partial void LegalFloorOverridden(ILogger logger, string rule, string keep, string floor, string reason, string by, string source);

    [LoggerMessage(EventId = 1611, Level = LogLevel.Information, Message = "Retention deleted the stored inputs of {Count} decisions; {Held} were kept under legal holds")]
    public static partial void InputsDeleted(ILogger logger, int count, int held);
}
