// End-to-end load tool: records N ~1 KB decisions durably from K producers through the real
// recorder and store (SQLite, or PostgreSQL with --store postgres), then runs two baselines on the same bytes in the same process:
// a raw batched SQLite insert, and the commit-per-record pattern.
using System.Diagnostics;
using System.Globalization;
using DecisionLedger.LoadTest;

if (args is ["query", ..])
{
    await QueryBench.RunAsync(args[1..]);
    return 0;
}

// bench/record-file.sh: the NDJSON file and the raw-insert yardstick for `dledger record FILE`.
if (args is ["ndjson", _, _])
{
    return RecordFileBaseline.WriteNdjson(args[1..]);
}

if (args is ["raw-insert", _, _])
{
    return RecordFileBaseline.RawInsert(args[1..]);
}

// Redis modes: 'redis' (collector processes -> Redis Streams -> one sequencer) and the collector child it spawns.
if (args.Length > 0 && args[0] == "redis")
{
    return await RedisRun.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "redis-collector")
{
    return await RedisRun.CollectAsync(args[1..]);
}

var settings = LoadSettings.Parse(args);
Console.WriteLine($"DecisionLedger load test: {settings.Count:N0} decisions, {settings.Producers} producers, queue {settings.QueueCapacity:N0}, " +
    (settings.Rate > 0 ? $"paced at {settings.Rate:N0}/s" : "unpaced (as fast as the producers can go)") + $", work dir {settings.WorkDirectory}");
Directory.CreateDirectory(settings.WorkDirectory);

// Untimed warm-up of every subject alike when peers run (JIT would otherwise be billed to whichever runs first).
int warmup = settings.Peers ? Math.Min(settings.Count / 10, 20_000) : 0;
if (warmup > 0)
{
    Console.WriteLine($"Warm-up: {warmup:N0} decisions per subject, unpaced and untimed, before each measured run");
}

await WarmUp.RecorderAsync(settings, warmup);
PipelineResult pipeline = await PipelineRun.RunAsync(settings);
Console.WriteLine();
Console.WriteLine($"Recorder pipeline (durable: {LoadStore.Describe(settings)})");
Console.WriteLine($"  throughput        {pipeline.Throughput,12:N0} decisions/s ({pipeline.Elapsed.TotalSeconds:F2} s)");
Console.WriteLine($"  Record() latency  p50 {pipeline.EnqueueP50Micros:F2} µs   p99 {pipeline.EnqueueP99Micros:F2} µs   max {pipeline.EnqueueMaxMicros:F0} µs");
Console.WriteLine($"  batch size        mean {pipeline.MeanBatch:F0}   max {pipeline.MaxBatch}   batches {pipeline.Batches:N0}");
Console.WriteLine($"  store commits     {pipeline.CommitSeconds:F2} s of {pipeline.Elapsed.TotalSeconds:F2} s (the rest: canonicalizing, hashing, queueing)");
Console.WriteLine($"  process CPU       {pipeline.ProcessCpu.TotalSeconds:F2} s: {pipeline.ProcessCpu.TotalMicroseconds / settings.Count:F1} µs per decision ({settings.Count / pipeline.ProcessCpu.TotalSeconds:N0} decisions per CPU-second)");
Console.WriteLine($"  canonical bytes   mean {pipeline.MeanEntryBytes:F0} B per entry");
foreach (string line in pipeline.Cpu)
{
    Console.WriteLine(line);
}

Console.WriteLine($"  restart           {pipeline.Restart.TotalMilliseconds:F0} ms: a second recorder's StartAsync on this ledger (entry format {settings.EntryFormat}" + (settings.WithoutHeadsCommitment ? " without the heads commitment" : "") + (settings.DistinctSubjects > 0 ? $", decisions spread over {settings.DistinctSubjects:N0} subject ids" : "") + ")");
Console.WriteLine($"  peak RSS          {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0):F0} MiB");
CheckpointLatencyResult covered = pipeline.CheckpointLatency;
Console.WriteLine($"  commit → covered by a signed checkpoint ({covered.Covered:N0} of {covered.Samples:N0} sampled RecordAsync receipts, store polled every {CheckpointLatencyProbe.PollInterval.TotalMilliseconds:F0} ms)");
Console.WriteLine($"                    p50 {covered.P50Millis:F0} ms   p99 {covered.P99Millis:F0} ms   max {covered.MaxMillis:F0} ms   ({covered.CoveredOnlyAtShutdown:N0} covered only by the shutdown checkpoint)");

if (settings.Peers)
{
    PeerRun.Report(settings, pipeline, [await SerilogRun.RunAsync(settings, buffered: false, warmup), await SerilogRun.RunAsync(settings, buffered: true, warmup)]);
}

if (settings.PipelineOnly)
{
    // Only the recording figures: skip the read path and the baselines (quicker before/after runs).
    if (!settings.Keep)
    {
        await LoadStore.DropAsync(settings);
        Directory.Delete(settings.WorkDirectory, recursive: true);
    }

    return 0;
}

ReadPathResult read = await ReadPathRun.RunAsync(settings, pipeline.DatabasePath, pipeline.Verifier, pipeline.Origin);
Console.WriteLine();
Console.WriteLine("Read path on the same ledger");
foreach (string line in read.VerifyLines())
{
    Console.WriteLine(line);
}

Console.WriteLine($"  inclusion proof   {read.InclusionMicros,12:F0} µs mean at tree size {read.Entries:N0} (first proof, restoring the right edge: {read.FirstProofMillis:F1} ms)");
Console.WriteLine($"  consistency proof {read.ConsistencyMicros,12:F0} µs mean");

if (LoadStore.IsPostgres(settings))
{
    // The SQLite baselines say nothing about PostgreSQL: its yardstick is a raw binary COPY of the same rows.
    (BaselineResult copy, IReadOnlyList<string> copyCpu) = await PostgresCopyBaseline.RunAsync(settings, pipeline.Bodies);
    Console.WriteLine();
    Console.WriteLine("Baseline: PostgreSQL binary COPY of the same rows (seq, canonical bytes) into a table with only a primary key, one COPY and transaction per 8,192 rows");
    Console.WriteLine($"  throughput        {copy.Throughput,12:N0} rows/s ({copy.Elapsed.TotalSeconds:F2} s)");
    foreach (string line in copyCpu)
    {
        Console.WriteLine(line.Replace("per decision", "per row", StringComparison.Ordinal));
    }

    Console.WriteLine();
    Console.WriteLine($"PostgreSQL store / raw COPY = {pipeline.Throughput / copy.Throughput:F2}x (throughput)");
    if (!settings.Keep)
    {
        await LoadStore.DropAsync(settings);
        Directory.Delete(settings.WorkDirectory, recursive: true);
    }

    return 0;
}

BaselineResult raw = BaselineRun.RawBatched(settings, pipeline.Bodies);
Console.WriteLine();
Console.WriteLine("Baseline: raw batched SQLite insert of the same bytes (same pragmas, one transaction per 8,192 rows)");
Console.WriteLine($"  throughput        {raw.Throughput,12:N0} rows/s ({raw.Elapsed.TotalSeconds:F2} s)");

BaselineResult perRecord = BaselineRun.CommitPerRecord(settings, pipeline.Bodies, Math.Min(settings.Count, 2_000));
Console.WriteLine("Baseline: commit per record (same pragmas), " + perRecord.Rows.ToString("N0", CultureInfo.InvariantCulture) + " rows");
Console.WriteLine($"  throughput        {perRecord.Throughput,12:N0} rows/s ({perRecord.Elapsed.TotalSeconds:F2} s)");

Console.WriteLine();
Console.WriteLine($"pipeline / raw batched = {pipeline.Throughput / raw.Throughput:F2}x; pipeline / commit-per-record = {pipeline.Throughput / perRecord.Throughput:F0}x");
if (!settings.Keep)
{
    Directory.Delete(settings.WorkDirectory, recursive: true);
}

return 0;
