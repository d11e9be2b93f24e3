namespace DecisionLedger.Server;

/// <summary>Limits and clock of the collector.</summary>
public sealed class CollectorOptions
{
    /// <summary>The default largest <c>application/json</c> body: 1 MiB (one decision).</summary>
    public const long DefaultMaxDecisionBytes = 1L << 20;

    /// <summary>The default largest <c>application/x-ndjson</c> body: 64 MiB (one batch).</summary>
    public const long DefaultMaxBatchBytes = 64L << 20;

    /// <summary>
    /// The largest decision: an <c>application/json</c> body over it gets 413 and records nothing; an NDJSON
    /// line over it is refused as that line's error. Default 1 MiB.
    /// </summary>
    public long MaxDecisionBytes { get; set; } = DefaultMaxDecisionBytes;

    /// <summary>The largest body of an NDJSON batch; a larger one gets 413 and records nothing. Default 64 MiB.</summary>
    public long MaxBatchBytes { get; set; } = DefaultMaxBatchBytes;

    /// <summary>
    /// The invalid lines after which an NDJSON batch stops: the rest of the body is not parsed, only counted
    /// (<c>stopped.linesNotExamined</c> in the answer), so a body of garbage costs little. Lines already recorded
    /// stay recorded. Default 100.
    /// </summary>
    public int MaxBadLines { get; set; } = 100;

    /// <summary>
    /// The most line errors an NDJSON batch answer lists; <c>errorCount</c> gives them all, so the answer stays
    /// small whatever the body. Default 100.
    /// </summary>
    public int MaxListedLineErrors { get; set; } = 100;

    /// <summary>
    /// How many decisions may wait in the recorder's queue (<see cref="DecisionLedger.Recording.LedgerOptions.QueueCapacity"/>).
    /// Default 65,536.
    /// </summary>
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>
    /// The longest a decision waits for room in the recorder's full queue before the collector sheds it: 503 with
    /// <c>Retry-After</c> and a problem detail, nothing recorded, counted as <c>queue_full</c> in
    /// <c>decisionledger_rejections_total</c> (<see cref="DecisionLedger.Recording.LedgerOptions.EnqueueTimeout"/>).
    /// Default 2 seconds.
    /// </summary>
    public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most <c>POST /v1/decisions</c> requests processed at once; each holds at most one line and two chunks
    /// of a batch in memory, so this bounds the memory of ingestion. More wait, unread, up to
    /// <see cref="MaxQueuedIngestRequests"/>. Default 64.
    /// </summary>
    public int MaxConcurrentIngestRequests { get; set; } = 64;

    /// <summary>
    /// The most <c>POST /v1/decisions</c> requests waiting (body unread) for one of the
    /// <see cref="MaxConcurrentIngestRequests"/>; one more is shed at once with 503 and <c>Retry-After</c>,
    /// counted as <c>overloaded</c>. Default 1,024.
    /// </summary>
    public int MaxQueuedIngestRequests { get; set; } = 1024;

    /// <summary>The largest page of <c>GET /v1/decisions</c>. Default 1,000.</summary>
    public int MaxQueryLimit { get; set; } = 1000;

    /// <summary>
    /// How long a KServe CloudEvent half waits for its partner (same <c>ce-id</c>) before it is recorded
    /// alone, with <c>metadata.missingHalf</c>. Default 30 seconds.
    /// </summary>
    public TimeSpan CloudEventPairTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The pending-halves journal: every CloudEvent half answered 202 is written (and fsynced) here until it is
    /// recorded, so a crash loses none; the next start replays it. Null (the default) for
    /// <c>cloudevents-pending.jsonl</c> in the ledger directory. Give each collector its own when several share a
    /// ledger directory (a lock file keeps a second one off it: that one answers the CloudEvents route with 503).
    /// </summary>
    public string? CloudEventJournalPath { get; set; }

    /// <summary>The most CloudEvent halves held waiting for their partner; one more gets 503. Default 10,000.</summary>
    public int MaxPendingCloudEvents { get; set; } = 10_000;

    /// <summary>
    /// The model version of a CloudEvents decision whose response does not name one (<c>model_version</c> of the
    /// Open Inference Protocol); KServe's logger sends no version attribute. Default <c>unknown</c>.
    /// </summary>
    public string CloudEventModelVersion { get; set; } = "unknown";

    /// <summary>
    /// How often the background verifier re-checks the ledger (incrementally, from the newest checkpoint the
    /// last run verified); zero or less runs it only once, at start. Default 5 minutes.
    /// </summary>
    public TimeSpan VerificationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Creates the store of the ledger from its directory; null (the default) for the SQLite
    /// database inside the directory. <c>dledger serve --store postgres</c> sets a PostgreSQL store
    /// here, while keys and config stay in the directory.
    /// </summary>
    public Func<DecisionLedger.Ledger.LedgerDirectory, DecisionLedger.Storage.ILedgerStore>? StoreFactory { get; set; }

    /// <summary>The clock of timestamps, checkpoints and the access log. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// RFC 3161 time-stamping of the checkpoints this collector signs: off while no authority is configured
    /// (the default). Not used in buffer mode, where the sequencer signs. Validated by <see cref="Validate"/>.
    /// </summary>
    public DecisionLedger.Timestamping.TimestampingOptions Timestamping { get; } = new();

    /// <summary>
    /// When set, the collector runs in buffer mode: <c>POST /v1/decisions</c> validates and redacts
    /// each decision, appends it to the ledger's Redis stream and answers 202 with its buffer id
    /// (or waits for the receipt when asked); a separate <c>dledger sequence</c> process records
    /// them. The collector then opens the store for reads only. Default null: record in process.
    /// </summary>
    public DecisionLedger.Redis.RedisBufferOptions? RedisBuffer { get; set; }

    /// <summary>
    /// When true, <c>GET /tlog/checkpoint</c> and the hash tiles <c>GET /tlog/tile/&lt;L&gt;/…</c> need no API key, so
    /// anyone can monitor or witness the ledger; they reveal nothing about decisions. Entry bundles always need an
    /// auditor key. Default false: a key with the monitor, auditor or admin role.
    /// </summary>
    public bool PublicTlogTiles { get; set; }

    /// <summary>
    /// Witness cosigning of the checkpoints this collector signs (a tlog-policy file and where each
    /// witness is reached); off while its <see cref="DecisionLedger.Witnessing.Publishing.WitnessingOptions.PolicyPath"/> is null.
    /// With witnessing on, <c>/tlog/checkpoint</c> serves the newest checkpoint the policy's quorum cosigned.
    /// </summary>
    public DecisionLedger.Witnessing.Publishing.WitnessingOptions Witnessing { get; } = new();

    /// <summary>
    /// Continuous drift monitoring of chosen models (gauges, alerts, webhook, <c>GET /v1/drift</c>); off while no model
    /// is watched (the default). <c>dledger serve --drift-config FILE</c> fills it. Validated by <see cref="Validate"/>.
    /// </summary>
    public DecisionLedger.Server.Drift.DriftMonitorOptions Drift { get; set; } = new();

    /// <summary>
    /// The scorer <c>POST /v1/replays</c> uses for <c>"artifacts":true</c>: an artifact store with an
    /// in-process loader (<c>dledger serve --replay-artifacts DIR|s3://bucket/prefix</c>); null (default) refuses artifact replays.
    /// </summary>
    public DecisionLedger.Replay.IReplayScorer? ReplayArtifacts { get; set; }

    /// <summary>
    /// URL prefixes <c>POST /v1/replays</c> may send stored inputs to (<c>dledger serve --replay-endpoint URL</c>);
    /// empty (default) refuses endpoint replays, because stored inputs are personal data.
    /// </summary>
    public IList<string> ReplayEndpoints { get; } = [];

    /// <summary>
    /// Scheduled retention: archive the decisions past the policy's <c>live</c> to a destination and delete stored
    /// inputs past <c>inputs</c>, at start and every interval; off while its destination is null.
    /// </summary>
    public Retention.ArchiveScheduleOptions Archiving { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        RequirePositive(MaxDecisionBytes, nameof(MaxDecisionBytes));
        RequirePositive(MaxBatchBytes, nameof(MaxBatchBytes));
        RequirePositive(MaxBadLines, nameof(MaxBadLines));
        RequirePositive(MaxListedLineErrors, nameof(MaxListedLineErrors));
        RequirePositive(QueueCapacity, nameof(QueueCapacity));
        RequirePositive(MaxConcurrentIngestRequests, nameof(MaxConcurrentIngestRequests));
        if (MaxQueuedIngestRequests < 0)
        {
            throw new ArgumentException($"CollectorOptions.MaxQueuedIngestRequests: must not be negative; got {MaxQueuedIngestRequests}.");
        }

        Timestamping.Validate("CollectorOptions.Timestamping");
        Drift.Validate();
        Archiving.Validate("CollectorOptions.Archiving");
        if (EnqueueTimeout <= TimeSpan.Zero || EnqueueTimeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"CollectorOptions.EnqueueTimeout: must be more than 0 and at most 1 day; got {EnqueueTimeout}.");
        }
    }

    private static void RequirePositive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"CollectorOptions.{name}: must be positive; got {value}.");
        }
    }
}
