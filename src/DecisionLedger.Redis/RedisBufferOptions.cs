namespace DecisionLedger.Redis;

/// <summary>
/// Where the durable buffer lives and how collectors and the sequencer use it. Every default is
/// stated here and in the docs (docs/deployment.md).
/// </summary>
public sealed class RedisBufferOptions
{
    /// <summary>The StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or <c>redis1:6379,password=…</c>. Default <c>127.0.0.1:6379</c>.</summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>Prefix of every key; the ledger origin follows in braces (one hash slot per ledger). Default <c>dledger</c>.</summary>
    public string KeyPrefix { get; set; } = "dledger";

    /// <summary>The consumer group the sequencer reads through. Default <c>sequencer</c>.</summary>
    public string ConsumerGroup { get; set; } = "sequencer";

    /// <summary>Most stream entries the sequencer reads (and records as one group commit) at a time. Default 2000.</summary>
    public int ReadBatchSize { get; set; } = 2000;

    /// <summary>How long a pending entry of another consumer must have been idle before the sequencer claims it (XAUTOCLAIM). Default 10 s.</summary>
    public TimeSpan ClaimMinIdle { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the sequencer sleeps when the stream had nothing new (it polls: StackExchange.Redis does not block). Default 10 ms.</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long a collector waits for the durable receipt when the client asked to wait. Default 30 s.</summary>
    public TimeSpan ReceiptWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// With replicas: how many must acknowledge each XADD (Redis <c>WAIT</c>) before a collector
    /// answers 202. Default 0 (a single Redis with <c>appendfsync always</c>).
    /// </summary>
    public int MinReplicas { get; set; }

    /// <summary>How long a Redis command may take (including while Redis restarts and the command waits in the client's backlog) before the caller gets an error. Default 5 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            throw new ArgumentException("RedisBufferOptions.Configuration: required; pass host:port, e.g. 127.0.0.1:6379.");
        }

        if (string.IsNullOrWhiteSpace(KeyPrefix) || string.IsNullOrWhiteSpace(ConsumerGroup))
        {
            throw new ArgumentException("RedisBufferOptions.KeyPrefix, ConsumerGroup: must not be empty.");
        }

        if (ReadBatchSize is < 1 or > 100_000)
        {
            throw new ArgumentException($"RedisBufferOptions.ReadBatchSize: {ReadBatchSize} is out of range; use 1 to 100000.");
        }

        if (ClaimMinIdle <= TimeSpan.Zero || IdlePollInterval <= TimeSpan.Zero || ReceiptWait <= TimeSpan.Zero || CommandTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("RedisBufferOptions.ClaimMinIdle, IdlePollInterval, ReceiptWait, CommandTimeout: must be positive durations.");
        }

        if (MinReplicas < 0)
        {
            throw new ArgumentException($"RedisBufferOptions.MinReplicas: {MinReplicas} is negative; use 0 (no replicas) or more.");
        }
    }
}
