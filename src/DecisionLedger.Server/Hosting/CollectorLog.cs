using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Hosting;

/// <summary>The collector's log events (stable ids 3001–3099). Keys are never logged, only their ids.</summary>
internal static partial class CollectorLog
{
    /// <summary>The logger category.</summary>
    public const string Category = "DecisionLedger.Server";

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: no valid API key (key id {KeyId})")]
    public static partial void Unauthorized(ILogger logger, string method, string path, string? keyId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: key {KeyId} has role {Role}")]
    public static partial void Forbidden(ILogger logger, string method, string path, string keyId, string role);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Refused a body over {Limit} bytes from key {KeyId}; nothing of it was recorded")]
    public static partial void TooLarge(ILogger logger, long limit, string keyId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Batch from key {KeyId}: {Recorded} line(s) recorded, {Failed} refused; first refused line {Line}: {Path}: {Problem}")]
    public static partial void BatchErrors(ILogger logger, string keyId, int recorded, int failed, long line, string path, string problem);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "CloudEvent {CeId}: recorded alone as seq {Seq}; its {Missing} did not arrive ({Reason})")]
    public static partial void HalfRecordedAlone(ILogger logger, string ceId, string missing, string reason, long seq);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "CloudEvent {CeId}: not recorded alone, the ledger already holds this request id")]
    public static partial void HalfAlreadyRecorded(ILogger logger, string ceId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "CloudEvent {CeId}: could not be recorded alone (its {Missing} never arrived)")]
    public static partial void HalfNotRecorded(ILogger logger, Exception exception, string ceId, string missing);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "CloudEvent refused from key {KeyId}: {Field}: {Problem}")]
    public static partial void CloudEventRefused(ILogger logger, string keyId, string field, string problem);
}
