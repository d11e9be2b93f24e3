using Microsoft.Extensions.Logging;

namespace DecisionLedger.Retention;

/// <summary>Log messages of retention (event ids 1610–1619).</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 1610, Level = LogLevel.Warning, Message = "Retention rule {Rule} keeps archived data for {Keep}, below the legal floor {Floor}, by an explicit override: reason \"{Reason}\", by {By} (policy {Source})")]
    public static partial void LegalFloorOverridden(ILogger logger, string rule, string keep, string floor, string reason, string by, string source);

    [LoggerMessage(EventId = 1611, Level = LogLevel.Warning, Message = "An interrupted archive run (seqs {FirstSeq}-{LastSeq}, archived event seq {EventSeq}) was completed: {Removed} decision bodies left the live store")]
    public static partial void ArchiveRunCompleted(ILogger logger, long firstSeq, long lastSeq, long eventSeq, long removed);

    [LoggerMessage(EventId = 1612, Level = LogLevel.Error, Message = "An interrupted archive run (seqs {FirstSeq}-{LastSeq}, archived event seq {EventSeq}) was rolled back, its bodies stay live and the range will be archived again: {Problem}")]
    public static partial void ArchiveRunRolledBack(ILogger logger, long firstSeq, long lastSeq, long eventSeq, string problem);

    [LoggerMessage(EventId = 1613, Level = LogLevel.Information, Message = "Retention deleted the stored inputs of {Count} decisions (seqs up to {ThroughSeq}); input-retention event seq {EventSeq}")]
    public static partial void InputsDeleted(ILogger logger, int count, long throughSeq, long eventSeq);

    [LoggerMessage(EventId = 1614, Level = LogLevel.Warning, Message = "Retention expired archive file {File} at {Destination} (seqs {FirstSeq}-{LastSeq}, keep passed); archive-expiry event seq {EventSeq}")]
    public static partial void ArchiveFileExpired(ILogger logger, string file, string destination, long firstSeq, long lastSeq, long eventSeq);

    [LoggerMessage(EventId = 1615, Level = LogLevel.Information, Message = "Archive file {File} at {Destination} is past its keep but stays: {Hold} covers seq {Seq}")]
    public static partial void ArchiveFileHeld(ILogger logger, string file, string destination, string hold, long seq);

    [LoggerMessage(EventId = 1616, Level = LogLevel.Warning, Message = "Archive file {File} at {Destination} was deleted under retention rule {Rule}, whose keep {Keep} is below the legal floor {Floor} by an explicit override: reason \"{Reason}\", by {By}")]
    public static partial void ArchiveFileExpiredBelowFloor(ILogger logger, string file, string destination, string rule, string keep, string floor, string reason, string by);

    [LoggerMessage(EventId = 1618, Level = LogLevel.Information, Message = "Retention removed the stored inputs of {Count} archived decisions from {Files} archive files; input-retention event seq {EventSeq}")]
    public static partial void ArchivedInputsDeleted(ILogger logger, int count, int files, long eventSeq);

    [LoggerMessage(EventId = 1619, Level = LogLevel.Error, Message = "Retention did not remove the archived inputs due from a file that fails its checks (run 'dledger verify'): {Problem}")]
    public static partial void ArchivedInputsNotRemoved(ILogger logger, string problem);
}
