using System.Diagnostics;
using System.Globalization;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redis;
using DecisionLedger.Redis.Buffer;
using DecisionLedger.Redis.Sequencing;
using DecisionLedger.Storage;
using StackExchange.Redis;

namespace DecisionLedger.LoadTest;

/// <summary>
/// <c>redis</c> mode: K collector processes (this tool, <c>redis-collector</c> mode) prepare
/// (validate, fingerprint, redact) and XADD decisions to Redis in pipelined batches while one
/// sequencer in this process reads them through the consumer group into a SQLite ledger, or with
/// <c>--store postgres --connection …</c> into a fresh PostgreSQL schema.
/// Measures end to end: from the collectors' start until the last decision is durable in the ledger.
/// </summary>
internal static class RedisRun
{
    private const string CpuLinePrefix = "#collector-cpu-seconds ";
    private const string SendCpuLinePrefix = "#collector-send-cpu-seconds ";

    public static async Task<int> RunAsync(string[] args)
    {
        string redis = Arg(args, "--redis") ?? "127.0.0.1:6390";
        int collectors = int.Parse(Arg(args, "--collectors") ?? "3", CultureInfo.InvariantCulture);
        int perCollector = int.Parse(Arg(args, "--count") ?? "100000", CultureInfo.InvariantCulture);
        int readBatch = int.Parse(Arg(args, "--read-batch") ?? "5000", CultureInfo.InvariantCulture);
        string dir = Path.Combine(Path.GetTempPath(), "dledger-redis-load-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        LedgerDirectory ledger = LedgerDirectory.Create(Path.Combine(dir, "ledger"), "load.example/redis-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var options = new RedisBufferOptions { Configuration = redis, ReadBatchSize = readBatch, IdlePollInterval = TimeSpan.FromMilliseconds(2) };
        long total = (long)collectors * perCollector;
        string storeKind = Arg(args, "--store") ?? "sqlite";
        string? pgConnection = Arg(args, "--connection");
        var storeSettings = new LoadSettings(0, 1, 1, dir, Keep: args.Contains("--keep"), 0, 1, storeKind, pgConnection);
        if (storeKind is not ("sqlite" or "postgres") || (storeKind == "postgres" && string.IsNullOrWhiteSpace(pgConnection)))
        {
            throw new ArgumentException("--store: use 'sqlite' (default) or 'postgres' with --connection NPGSQL_CONNECTION_STRING (an owner role; the run migrates and drops its own schema).");
        }

        Console.WriteLine($"DecisionLedger Redis load test: {collectors} collector processes x {perCollector:N0} decisions -> Redis {redis} -> one sequencer (read batch {readBatch:N0}) -> {LoadStore.Describe(storeSettings)}");

        await using ILedgerStore store = LoadStore.Create(storeSettings, ledger.DatabasePath);
        await store.OpenAsync();
        await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(
            store, ledger.Signer, ledger.CreateFingerprinter(), new LedgerOptions { Origin = ledger.Config.Origin }, redactor: ledger.CreateRedactor());
        await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(redis);
        using var sequencer = new DecisionSequencer(connection, options, ledger.Config.Origin, "load-sequencer", recorder, store);
        using var stop = new CancellationTokenSource();

        TimeSpan sequencerCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        CpuMeter cpu = CpuMeter.Start(LoadStore.IsPostgres(storeSettings) ? ["redis-server", "postgres"] : ["redis-server"]);
        var started = Stopwatch.StartNew();
        Task sequencing = sequencer.RunAsync(stop.Token);
        string self = typeof(RedisRun).Assembly.Location;
        var children = new List<Process>();
        for (int c = 0; c < collectors; c++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
            foreach (string a in new[] { "exec", self, "redis-collector", "--redis", redis, "--ledger", ledger.Path, "--count", perCollector.ToString(CultureInfo.InvariantCulture), "--seed", c.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(a);
            }

            children.Add(Process.Start(start)!);
        }

        double collectorCpu = 0;
        double collectorSendCpu = 0;
        foreach (Process child in children)
        {
            // A child's CPU time cannot be read once it exited: it reports its own on a last line.
            foreach (string line in (await child.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith(CpuLinePrefix, StringComparison.Ordinal))
                {
                    collectorCpu += double.Parse(line[CpuLinePrefix.Length..], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith(SendCpuLinePrefix, StringComparison.Ordinal))
                {
                    collectorSendCpu += double.Parse(line[SendCpuLinePrefix.Length..], CultureInfo.InvariantCulture);
                }
                else
                {
                    Console.WriteLine(line);
                }
            }

            await child.WaitForExitAsync();
            if (child.ExitCode != 0)
            {
                throw new InvalidOperationException($"collector process exited with {child.ExitCode}");
            }
        }

        TimeSpan buffered = started.Elapsed;
        while (sequencer.Recorded + sequencer.Redelivered < total)
        {
            await Task.Delay(5);
        }

        TimeSpan elapsed = started.Elapsed;
        await stop.CancelAsync();
        await sequencing;
        Console.WriteLine();
        Console.WriteLine($"  all {total:N0} buffered (XADD acknowledged, appendfsync as configured) after {buffered.TotalSeconds:F2} s: {total / buffered.TotalSeconds,10:N0} decisions/s into Redis");
        Console.WriteLine($"  all {total:N0} durable in the ledger after {elapsed.TotalSeconds:F2} s: {total / elapsed.TotalSeconds,10:N0} decisions/s end to end");
        double sequencerCpu = (Process.GetCurrentProcess().TotalProcessorTime - sequencerCpuStart).TotalSeconds;
        foreach (string line in cpu.Report(total, collectorCpu))
        {
            Console.WriteLine(line);
        }

        // Where the client CPU goes: the collectors' start-up (runtime, JIT, decision pool) is not per decision.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    of which collectors while buffering {collectorSendCpu,8:F2} s = {collectorSendCpu * 1e6 / total,7:F1} µs per decision (start-up and pool: {collectorCpu - collectorSendCpu:F2} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    of which sequencer + recorder       {sequencerCpu,8:F2} s = {sequencerCpu * 1e6 / total,7:F1} µs per decision"));

        Console.WriteLine($"  ledger size {await store.GetSizeAsync():N0}; dead-lettered {sequencer.DeadLettered}; redelivered {sequencer.Redelivered}");
        await connection.GetDatabase().KeyDeleteAsync([$"{options.KeyPrefix}:{{{ledger.Config.Origin}}}:decisions", $"{options.KeyPrefix}:{{{ledger.Config.Origin}}}:dead"]);
        if (!storeSettings.Keep)
        {
            await LoadStore.DropAsync(storeSettings);
        }

        return 0;
    }

    public static async Task<int> CollectAsync(string[] args)
    {
        string redis = Arg(args, "--redis")!;
        LedgerDirectory ledger = LedgerDirectory.Open(Arg(args, "--ledger")!);
        int count = int.Parse(Arg(args, "--count")!, CultureInfo.InvariantCulture);
        int seed = int.Parse(Arg(args, "--seed")!, CultureInfo.InvariantCulture);
        const int Batch = 500;
        const int InFlight = 4;
        Decision[] pool = LoadDecisions.CreatePool(1000, seed);
        var preparer = new DecisionPreparer(ledger.CreateFingerprinter(), ledger.CreateRedactor());
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(new RedisBufferOptions { Configuration = redis }, ledger.Config.Origin);
        TimeSpan sendCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.StartNew();
        var pending = new Queue<Task>();
        for (int sent = 0; sent < count; sent += Batch)
        {
            var batch = new List<RedactedDecision>(Batch);
            for (int i = sent; i < Math.Min(count, sent + Batch); i++)
            {
                batch.Add(preparer.Prepare(pool[i % pool.Length]));
            }

            pending.Enqueue(buffer.EnqueueAsync(batch));
            if (pending.Count >= InFlight)
            {
                await pending.Dequeue();
            }
        }

        while (pending.Count > 0)
        {
            await pending.Dequeue();
        }

        Console.WriteLine($"  collector {seed}: {count:N0} prepared and buffered in {started.Elapsed.TotalSeconds:F2} s ({count / started.Elapsed.TotalSeconds:N0}/s)");
        TimeSpan cpuNow = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine(SendCpuLinePrefix + (cpuNow - sendCpuStart).TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
        Console.WriteLine(CpuLinePrefix + cpuNow.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
