using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>
/// Requests the <see cref="BatchCommitter"/> gives back to the <see cref="BatchBuilder"/> instead of failing
/// them, so that one entry the store cannot take fails alone and not its whole group commit:
/// <list type="bullet">
/// <item><b>Suspects</b>: the requests of a batch that failed to commit under the <see cref="StoreRetry"/> rule
/// (or of a part of one). The builder splits them in halves and commits each half on its own, one part at a
/// time, until the entry that cannot be stored is alone; only then is it failed.</item>
/// <item><b>Untried</b>: the requests of a batch that was never attempted because it was built on a tree that
/// assumed a failed batch. They are rebuilt as an ordinary batch.</item>
/// </list>
/// The committer invalidates the tree generation before it hands anything back, and the builder takes what
/// is handed back before it checks that generation, so it always rebuilds its tree from the store first.
/// </summary>
internal sealed partial class HandedBackRequests(DecisionQueue queue, ILogger logger)
{
    private readonly object _gate = new();
    private readonly Stack<List<EntryRequest>> _suspects = new();
    private List<EntryRequest> _untried = [];

    /// <summary>Whether nothing is waiting to be rebuilt.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _suspects.Count == 0 && _untried.Count == 0;
            }
        }
    }

    /// <summary>Gives back the requests of a batch (or part) that failed to commit: they are to be split.</summary>
    public void Suspect(List<EntryRequest> requests, Exception error)
    {
        SplittingFailedBatch(logger, error, requests.Count, requests[0].RequestId);
        lock (_gate)
        {
            _suspects.Push(requests);
        }

        WakeBuilder();
    }

    /// <summary>Gives back requests that were never attempted: they are to be rebuilt as they are.</summary>
    public void Untried(IEnumerable<EntryRequest> requests)
    {
        lock (_gate)
        {
            _untried.AddRange(requests);
        }

        WakeBuilder();
    }

    /// <summary>Takes the most recently failed group still to split, if any.</summary>
    public bool TryTakeSuspects(out List<EntryRequest> requests)
    {
        lock (_gate)
        {
            return _suspects.TryPop(out requests!);
        }
    }

    /// <summary>Takes every untried request, or null when there is none.</summary>
    public List<EntryRequest>? TakeUntried()
    {
        lock (_gate)
        {
            if (_untried.Count == 0)
            {
                return null;
            }

            var taken = _untried;
            _untried = [];
            return taken;
        }
    }

    /// <summary>Reports that the one entry left of a split could not be stored either: it, and only it, fails.</summary>
    public void FailedAlone(Exception error, string requestId) => EntryFailedAlone(logger, error, requestId);

    // The builder may be idle, waiting on an empty queue; a wake-up item makes it look here. A full or
    // closed queue needs none: the builder is busy, or drains what is handed back before it stops.
    private void WakeBuilder() => queue.TryAdd(HandedBackWakeUp.Instance);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Group commit of {Count} entries failed; splitting it so only the entry the store cannot take fails (first request id {FirstRequestId})")]
    private static partial void SplittingFailedBatch(ILogger logger, Exception exception, int count, string firstRequestId);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Critical, Message = "Decision {RequestId} could not be stored even alone; it is NOT recorded, the rest of its batch is")]
    private static partial void EntryFailedAlone(ILogger logger, Exception exception, string requestId);
}
