using System.Security.Cryptography;
using DecisionLedger.Storage;

namespace DecisionLedger.Recording;

/// <summary>
/// A queued request that becomes one ledger entry: a decision, a prepared decision or an event,
/// with its request id and time fixed at enqueue, and how its outcome is reported (a receipt the
/// caller awaits, a failure callback, or only the log).
/// </summary>
internal abstract class EntryRequest : QueueItem
{
    protected EntryRequest(string requestId, DateTimeOffset timestamp, bool idSuppliedByCaller, bool awaited, bool includeProof, Action<string, Exception>? onFailure)
    {
        RequestId = requestId;
        Timestamp = timestamp;
        IdSuppliedByCaller = idSuppliedByCaller;
        IncludeProof = includeProof;
        OnFailure = onFailure;
        Completion = awaited ? new TaskCompletionSource<RecordReceipt>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    public string RequestId { get; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>Only caller-supplied ids can collide with stored ones; generated UUIDv7s skip that lookup.</summary>
    public bool IdSuppliedByCaller { get; }

    /// <summary>The receipt waits for the checkpoint that covers the entry and carries its inclusion proof.</summary>
    public bool IncludeProof { get; }

    public TaskCompletionSource<RecordReceipt>? Completion { get; }

    /// <summary>Told (request id, error) when a request accepted without awaiting its receipt fails later.</summary>
    public Action<string, Exception>? OnFailure { get; }

    /// <summary>The data subject whose input key encrypts the stored input, or null.</summary>
    public abstract string? SubjectId { get; }

    /// <summary>
    /// The subject's ref in a v2 ledger, assigned by the builder (<see cref="SubjectRefs"/>) for the build under way;
    /// reassigned when a failed batch is rebuilt.
    /// </summary>
    public string? SubjectRef { get; set; }

    /// <summary>Builds the entry at <paramref name="seq"/> (and its stored input, when it has one); with <paramref name="chains"/>, a v2 entry.</summary>
    public abstract (StoredEntry Entry, StoredInput? Input) Build(EntryBuilder builder, long seq, IReadOnlyDictionary<string, AesGcm>? ciphers, ChainState? chains);

    public void Complete(RecordReceipt receipt) => Completion?.TrySetResult(receipt);

    /// <summary>Reports that the request will not be recorded: to the awaiting caller, and to its failure callback.</summary>
    public void Fail(Exception error)
    {
        Completion?.TrySetException(error);
        if (OnFailure is { } onFailure)
        {
            try
            {
                onFailure(RequestId, error);
            }
            catch (Exception callbackFailure) when (callbackFailure is not OutOfMemoryException)
            {
                // A caller's callback must never stop the recorder's stages; the recorder has logged the failure itself.
            }
        }
    }
}
