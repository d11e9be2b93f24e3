using DecisionLedger.Encryption;

namespace DecisionLedger.Recording;

/// <summary>Options of a ledger and its recorder. Every default is stated here and in code.</summary>
public sealed class LedgerOptions
{
    /// <summary>
    /// The ledger's origin: the first line of every checkpoint, e.g. <c>decisionledger.example/fraud</c>.
    /// Default <c>decisionledger.local/default</c>.
    /// </summary>
    public string Origin { get; set; } = "decisionledger.local/default";

    /// <summary>How many decisions may wait in the queue. Default 65,536; bounds memory under overload.</summary>
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>What happens when the queue is full. Default <see cref="QueueFullPolicy.Wait"/>.</summary>
    public QueueFullPolicy QueueFullPolicy { get; set; } = QueueFullPolicy.Wait;

    /// <summary>
    /// Under <see cref="QueueFullPolicy.Wait"/>, the longest a decision waits for room in a full queue; when it
    /// passes, the decision is refused with <see cref="LedgerQueueFullException"/> (nothing queued), counted as a
    /// <c>queue_full</c> rejection and logged. It sheds load instead of letting callers pile up behind a recorder
    /// that cannot keep up: the collector answers 503 with <c>Retry-After</c>. Default
    /// <see cref="Timeout.InfiniteTimeSpan"/>: wait as long as it takes (back-pressure only). Measured on the
    /// recorder's <see cref="TimeProvider"/> for the asynchronous API, on the monotonic clock for <c>Record()</c>.
    /// Events and flushes always wait.
    /// </summary>
    public TimeSpan EnqueueTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>The most decisions one group commit writes. Default 8,192; batches are smaller under light load.</summary>
    public int MaxBatchSize { get; set; } = 8_192;

    /// <summary>Take a checkpoint after this many new entries, even within <see cref="CheckpointMinInterval"/>. Default 10,000.</summary>
    public int CheckpointEveryEntries { get; set; } = 10_000;

    /// <summary>
    /// Take a checkpoint when this much time passed with new entries. Default 5 seconds. It is an upper
    /// bound: with the default <see cref="CheckpointMinInterval"/> checkpoints follow commits much sooner.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The rate limit of per-commit checkpoints. A group commit carries a signed checkpoint over its
    /// entries, written in the same transaction, when the previous checkpoint is at least this old;
    /// otherwise a timer signs one as soon as this interval allows, so each entry is covered within
    /// about this long after its commit. Default 250 ms; <see cref="TimeSpan.Zero"/>: a checkpoint
    /// with every commit. The effective limit is the smaller of this and <see cref="CheckpointInterval"/>.
    /// </summary>
    public TimeSpan CheckpointMinInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a small batch waits for company before it is committed, when the queue ran dry (below
    /// saturation): decisions arriving within the window share one transaction and one fsync instead of
    /// paying one each. A flush, an event or shutdown cuts the window short, and it is skipped while
    /// windows bring no company (a single caller awaiting each receipt). Default 2 ms;
    /// <see cref="TimeSpan.Zero"/> disables it; at most 1 second.
    /// </summary>
    public TimeSpan CommitLinger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How many times a failed group commit is attempted before its decisions fail. Default 3.</summary>
    public int MaxAppendAttempts { get; set; } = 3;

    /// <summary>The pause before retrying a failed group commit; doubles each attempt. Default 100 ms.</summary>
    public TimeSpan AppendRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Whether stored inputs are encrypted (AES-256-GCM) under a key per data subject, so erasing
    /// the subject's key makes every copy of its inputs unreadable. Default false. Decisions without
    /// a <c>subject.id</c> are stored unencrypted (they cannot be erased by subject either). Entries
    /// still commit to the plaintext input, so verifying inputs needs the master key.
    /// </summary>
    public bool EncryptInputs { get; set; }

    /// <summary>
    /// The key that wraps every subject key when <see cref="EncryptInputs"/> is on. Default null:
    /// read from the environment variable <c>DLEDGER_MASTER_KEY</c> (base64 of 32 bytes) at start.
    /// </summary>
    public MasterKey? MasterKey { get; set; }

    /// <summary>
    /// The entry format the recorder writes: 1 (the default) or 2. Format 2 writes v2 entries: the subject as a
    /// random pseudonymous ref instead of its id (the id→ref mapping lives in the store, and erasure deletes it),
    /// and back-links (<c>prev</c>) chaining the decisions of each subject and each model, committed by a
    /// <c>heads</c> entry under every checkpoint. A v1 ledger opened with 2 switches once, at the next seq, with a
    /// <c>format</c> event entry; a ledger that switched refuses to open with 1. Default 1.
    /// </summary>
    public int EntryFormat { get; set; } = 1;

    /// <summary>
    /// Benchmarks only, never a product option (internal, reached by the load tool through InternalsVisibleTo): with
    /// <see cref="EntryFormat"/> 2, writes v2 entries (subject refs, the mapping) but leaves out the heads commitment: no
    /// heads map, every <c>prev</c> link -1, no <c>heads</c> entries. Such a ledger does not verify; it exists so that
    /// one load-tool run can measure what the heads commitment costs (docs/performance.md). Default false.
    /// </summary>
    internal bool BenchmarkWithoutHeadsCommitment { get; set; }

    /// <summary>Returns a copy, so a host can adjust one ledger's options without touching shared configuration.</summary>
    public LedgerOptions Clone() => (LedgerOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Origin) || Origin.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("LedgerOptions.Origin: required; a non-empty single line such as 'decisionledger.example/fraud'.");
        }

        RequirePositive(QueueCapacity, nameof(QueueCapacity));
        RequirePositive(MaxBatchSize, nameof(MaxBatchSize));
        RequirePositive(CheckpointEveryEntries, nameof(CheckpointEveryEntries));
        RequirePositive(MaxAppendAttempts, nameof(MaxAppendAttempts));
        if (CheckpointInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"LedgerOptions.CheckpointInterval: must be positive; got {CheckpointInterval}.");
        }

        if (CheckpointMinInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"LedgerOptions.CheckpointMinInterval: must not be negative; got {CheckpointMinInterval}.");
        }

        if (CommitLinger < TimeSpan.Zero || CommitLinger > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"LedgerOptions.CommitLinger: must be between 0 (off) and 1 second; got {CommitLinger}.");
        }

        if (EnqueueTimeout != Timeout.InfiniteTimeSpan && (EnqueueTimeout <= TimeSpan.Zero || EnqueueTimeout > TimeSpan.FromDays(1)))
        {
            throw new ArgumentException($"LedgerOptions.EnqueueTimeout: must be more than 0 and at most 1 day, or Timeout.InfiniteTimeSpan to wait as long as it takes; got {EnqueueTimeout}.");
        }

        if (EntryFormat is not (1 or 2))
        {
            throw new ArgumentException($"LedgerOptions.EntryFormat: must be 1 (v1 entries) or 2 (v2 entries: pseudonymous subjects, chained history); got {EntryFormat}.");
        }

        if (AppendRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"LedgerOptions.AppendRetryDelay: must not be negative; got {AppendRetryDelay}.");
        }
    }

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"LedgerOptions.{name}: must be positive; got {value}.");
        }
    }
}
