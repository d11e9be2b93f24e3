using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// Fault injection around the real SQLite store: the next <see cref="FailNextAppends"/> appends
/// throw as a full disk would, everything else goes to SQLite. It also records what the recorder
/// wrote (batches, checkpoints written alone) and can hold appends at a <see cref="Gate"/>.
/// </summary>
internal sealed class FailingStore(ILedgerStore inner) : DelegatingLedgerStore(inner)
{
    private int _failNextAppends;
    private int _standaloneCheckpoints;

    public int FailNextAppends
    {
        get => Volatile.Read(ref _failNextAppends);
        set => Volatile.Write(ref _failNextAppends, value);
    }

    public int FailedAppends { get; private set; }

    /// <summary>Every batch appended successfully, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<AppendBatch> Appended { get; } = new();

    /// <summary>How many checkpoints were stored on their own, outside a batch.</summary>
    public int StandaloneCheckpoints => Volatile.Read(ref _standaloneCheckpoints);

    /// <summary>When set, each append waits for a release of this semaphore (a stalled disk).</summary>
    public SemaphoreSlim? Gate { get; set; }

    public override async ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
    {
        if (Gate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (Interlocked.Decrement(ref _failNextAppends) >= 0)
        {
            FailedAppends++;
            throw new LedgerStoreException("injected failure: database or disk is full");
        }

        await Inner.AppendAsync(batch, cancellationToken);
        Appended.Enqueue(batch);
    }

    public override ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _standaloneCheckpoints);
        return Inner.AppendCheckpointAsync(checkpoint, cancellationToken);
    }

}
