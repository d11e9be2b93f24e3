using Microsoft.Extensions.Logging;

namespace DecisionLedger.Archiving;

/// <summary>Log messages of archiving and retention (event ids 1600–1619).</summary>
internal static partial class ArchiveLog
{
    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Archived {Decisions} decisions (seqs {FirstSeq}-{LastSeq}) into {Files} files at {Destination}; archived event seq {EventSeq}; their bodies left the live store")]
    public static partial void Archived(ILogger logger, long decisions, long firstSeq, long lastSeq, int files, string destination, long eventSeq);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Error, Message = "Scheduled archive run failed; the live store is unchanged unless an archived event was recorded")]
    public static partial void ScheduledRunFailed(ILogger logger, Exception exception);
}
