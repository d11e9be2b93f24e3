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

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "CloudEvent {CeId}: buffered alone as {BufferId}; its {Missing} did not arrive ({Reason})")]
    public static partial void HalfBufferedAlone(ILogger logger, string ceId, string missing, string reason, string bufferId);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "CloudEvent {CeId}: recording failed, retrying in {RetrySeconds} s; the half stays in the pending-halves journal")]
    public static partial void HalfRecordRetry(ILogger logger, Exception exception, string ceId, double retrySeconds);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "CloudEvent {CeId}: not recorded before shutdown; it stays in the pending-halves journal and is recorded at the next start")]
    public static partial void HalfKeptInJournal(ILogger logger, string ceId);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Pending-halves journal {Path}: {Halves} half(s) replayed ({Pairs} pair(s) completed, {Expired} past their timeout recorded alone, {Waiting} waiting again)")]
    public static partial void JournalReplayed(ILogger logger, string path, int halves, int pairs, int expired, int waiting);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Pending-halves journal {Path}: the final line {Line} is torn (a crash cut it short before it was acknowledged); ignored")]
    public static partial void JournalTornLine(ILogger logger, string path, int line);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Error, Message = "Pending-halves journal {Path}: line {Line} is corrupt ({Problem}); it is skipped, and the whole journal as found is kept in {Copy} for inspection")]
    public static partial void JournalCorruptLine(ILogger logger, string path, int line, string problem, string copy);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Error, Message = "Pending-halves journal {Path}: a tombstone could not be written; the recorded half will be replayed at the next start and de-duplicated there (the ledger refuses a request id twice)")]
    public static partial void JournalTombstoneFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Error, Message = "Pending-halves journal {Path} is held by another collector: this collector answers POST /v1/cloudevents with 503 (everything else works); give it its own journal with --cloudevent-journal")]
    public static partial void JournalHeldElsewhere(ILogger logger, Exception exception, string path);
}
