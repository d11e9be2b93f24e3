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

    /// <summary>The most decisions one group commit writes. Default 8,192; batches are smaller under light load.</summary>
    public int MaxBatchSize { get; set; } = 8_192;

    /// <summary>Take a checkpoint after this many new entries. Default 10,000.</summary>
    public int CheckpointEveryEntries { get; set; } = 10_000;

    /// <summary>Take a checkpoint when this much time passed with new entries. Default 5 seconds.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);

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
