namespace DecisionLedger.Recording;

/// <summary>
/// Refuses a caller-supplied request id already in the ledger, already in a batch not yet
/// committed, or twice in one batch. An accepted id stays reserved from build until its batch is
/// committed or failed (<see cref="Release"/>), which closes the window in which two pipelined
/// batches could both take it.
/// </summary>
internal sealed class RequestIdReservations(RecorderContext context)
{
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);

    /// <summary>Returns the requests that may be recorded; the others are failed with <see cref="DuplicateRequestIdException"/>.</summary>
    /// <param name="requests">The batch, in queue order.</param>
    /// <returns>The accepted requests, and the ids reserved for them (null when none were supplied).</returns>
    public async Task<(List<EntryRequest> Accepted, List<string>? Reserved)> FilterAsync(List<EntryRequest> requests)
    {
        List<string>? supplied = null;
        foreach (EntryRequest request in requests)
        {
            if (request.IdSuppliedByCaller)
            {
                (supplied ??= []).Add(request.RequestId);
            }
        }

        if (supplied is null)
        {
            return (requests, null);
        }

        IReadOnlySet<string> existing = await context.Retry.RunAsync(ct => context.Store.FindExistingRequestIdsAsync(supplied, ct)).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var accepted = new List<EntryRequest>(requests.Count);
        List<string>? reserved = null;
        foreach (EntryRequest request in requests)
        {
            if (request.IdSuppliedByCaller)
            {
                bool duplicate;
                lock (_reserved)
                {
                    duplicate = existing.Contains(request.RequestId) || !seen.Add(request.RequestId) || !_reserved.Add(request.RequestId);
                }

                if (duplicate)
                {
                    context.Metrics.Reject("duplicate_request_id");
                    RecorderLog.DuplicateRejected(context.Logger, request.RequestId);
                    request.Fail(new DuplicateRequestIdException(request.RequestId));
                    continue;
                }

                (reserved ??= []).Add(request.RequestId);
            }

            accepted.Add(request);
        }

        return (accepted, reserved);
    }

    /// <summary>Frees the ids of a settled batch (committed: the store now answers for them; failed: they may be sent again).</summary>
    public void Release(List<string>? ids)
    {
        if (ids is null)
        {
            return;
        }

        lock (_reserved)
        {
            _reserved.ExceptWith(ids);
        }
    }
}
