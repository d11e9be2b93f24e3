using Microsoft.Extensions.Logging;

namespace DecisionLedger.Witnessing.Publishing;

/// <summary>Source-generated log messages of the witness publisher, with stable event ids.</summary>
internal static partial class WitnessPublisherLog
{
    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Witness {Witness} cosigned checkpoint {TreeSize}")]
    public static partial void Cosigned(ILogger logger, string witness, long treeSize);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Witness {Witness} failed for checkpoint {TreeSize} ({Outcome}, failure {Failures} in a row); retrying in {Delay}: {Reason}")]
    public static partial void Failed(ILogger logger, string witness, long treeSize, string outcome, int failures, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Error, Message = "SPLIT VIEW? Witness {Witness} refused checkpoint {TreeSize} (root {RootHash}) of this ledger's own history: {Reason}. The witness holds a different view of this log: another checkpoint signed with this ledger's key (a fork) was shown to it. Investigate before trusting either history.")]
    public static partial void SplitView(ILogger logger, string witness, long treeSize, string rootHash, string reason);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Witness {Witness} holds size {KnownSize} (409); resending checkpoint {TreeSize} with the proof from there")]
    public static partial void SizeLearned(ILogger logger, string witness, long knownSize, long treeSize);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Information, Message = "Checkpoint {TreeSize} published: cosigned by {Cosigners} ({Quorum})")]
    public static partial void Published(ILogger logger, long treeSize, string cosigners, string quorum);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Error, Message = "Witness publishing round failed; retrying at the next poll")]
    public static partial void RoundFailed(ILogger logger, Exception exception);
}
