using System.Diagnostics;
using System.Diagnostics.Metrics;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;

namespace DecisionLedger.LoadTest;

internal sealed record PipelineResult(
    TimeSpan Elapsed,
    double Throughput,
    double EnqueueP50Micros,
    double EnqueueP99Micros,
    double EnqueueMaxMicros,
    double MeanBatch,
    int MaxBatch,
    long Batches,
    double MeanEntryBytes,
    double CommitSeconds,
    TimeSpan ProcessCpu,
    string DatabasePath,
    NoteVerifier Verifier,
    string Origin,
    List<byte[]> Bodies,
    IReadOnlyList<string> Cpu,
    CheckpointLatencyResult CheckpointLatency,
    TimeSpan Restart);

/// <summary>Runs the real recorder against a fresh ledger in the chosen store.</summary>
internal static class PipelineRun
{
    // One decision in this many of producer 0 is recorded with RecordAsync and followed to its checkpoint.
    private const int CheckpointSampleEvery = 64;

    public static async Task<PipelineResult> RunAsync(LoadSettings settings)
    {
        Decision[] pool = LoadDecisions.CreatePool(1024, seed: 7);
        var spread = new SpreadSubjects(settings.DistinctSubjects);
        string dbPath = Path.Combine(settings.WorkDirectory, "pipeline.db");
        var random = new SeededRandomSource(11);
        var signer = Ed25519NoteSigner.Generate("loadtest.local", random);
        byte[] fingerprintKey = new byte[32];
        random.Fill(fingerprintKey);

        long batches = 0, batchTotal = 0;
        int batchMax = 0;
        double batchMaxAt = 0, longestCommit = 0, longestCommitAt = 0;
        var sinceStart = Stopwatch.StartNew();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "DecisionLedger" && instrument.Name is "decisionledger.batch.size" or "decisionledger.commit.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            batches++;
            batchTotal += value;
            if (value > batchMax)
            {
                batchMax = value;
                batchMaxAt = sinceStart.Elapsed.TotalSeconds;
            }
        });
        double commitSeconds = 0;
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            commitSeconds += value;
            if (value > longestCommit)
            {
                longestCommit = value;
                longestCommitAt = sinceStart.Elapsed.TotalSeconds;
            }
        });
        listener.Start();

        await using ILedgerStore store = LoadStore.Create(settings, dbPath);
        var options = new LedgerOptions { Origin = "loadtest.local/fraud", QueueCapacity = settings.QueueCapacity, MaxBatchSize = settings.MaxBatch, EntryFormat = settings.EntryFormat };

        // Benchmark-only: v2 entries and subject refs without the heads map, prev links and heads entries (heads-cost.sh).
        options.BenchmarkWithoutHeadsCommitment = settings.WithoutHeadsCommitment;
        long[][] latencies;
        Stopwatch elapsed;
        CheckpointLatencyResult checkpointLatency;
        CpuMeter cpu = CpuMeter.Start(LoadStore.IsPostgres(settings) ? ["postgres"] : []);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        int[] collectionsBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, signer, new InputFingerprinter(fingerprintKey), options);
        await using (CheckpointLatencyProbe probe = await CheckpointLatencyProbe.StartAsync(settings, dbPath))
        {
            try
            {
                elapsed = Stopwatch.StartNew();
                latencies = await PacedProducers.RunAsync(settings, (producer, i) =>
                {
                    Decision decision = spread.Apply(pool[i % pool.Length], i);
                    if (producer == 0 && i % CheckpointSampleEvery == 0)
                    {
                        // A sampled decision waits for its durable receipt, then for a checkpoint over it.
                        probe.Observe(recorder.RecordAsync(decision));
                    }
                    else
                    {
                        recorder.Record(decision);
                    }
                });
                await recorder.FlushAsync();
                elapsed.Stop();

                // The recorder's own checkpoint policy (count or interval), not the one written on shutdown.
                await probe.WaitCoveredAsync(options.CheckpointInterval + TimeSpan.FromSeconds(1));
            }
            finally
            {
                probe.MarkShutdown();
                await recorder.DisposeAsync();
            }

            checkpointLatency = await probe.StopAsync(TimeSpan.FromSeconds(2));
        }

        // User + system time of the whole process while recording: what a decision costs in CPU,
        // which stays meaningful when other work shares the cores and wall-clock throughput does not.
        TimeSpan processCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        int[] collections = [GC.CollectionCount(0) - collectionsBefore[0], GC.CollectionCount(1) - collectionsBefore[1], GC.CollectionCount(2) - collectionsBefore[2]];

        listener.Dispose();

        // A second recorder on the same store, timed to the end of StartAsync: the start-up of a sequencer over this
        // ledger (Merkle tree from the store and, for v2, the heads map rebuilt from every chain's head).
        var restartClock = Stopwatch.StartNew();
        DecisionRecorder restarted = await DecisionRecorder.StartAsync(store, signer, new InputFingerprinter(fingerprintKey), options);
        restartClock.Stop();
        await restarted.DisposeAsync();

        long total = latencies.Sum(l => (long)l.Length);
        IReadOnlyList<string> cpuLines =
        [
            .. cpu.Report(total),
            // Managed allocation drives GC work (and the page faults of fresh gen0 memory), so it is a cost figure of its own.
            // A stall shows as one outsized batch: when it came, and the longest commit (a slow commit, or a wait elsewhere).
            $"  largest batch     {batchMax:N0} at {batchMaxAt:F2} s into the run (opening the store included); longest commit {longestCommit * 1000:F0} ms at {longestCommitAt:F2} s",
            $"  managed allocation {allocated / (double)Math.Max(1, total):N0} B per decision (producers included); GCs gen0 {collections[0]}, gen1 {collections[1]}, gen2 {collections[2]}",
        ];
        long[] all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double tickToMicros = 1_000_000.0 / Stopwatch.Frequency;

        // The baselines replay these bytes and the peers count them; a --pipeline-only run without peers needs neither, so it
        // only sums their size (a 1,000,000-decision run would otherwise hold a gigabyte of them).
        bool keepBodies = !settings.PipelineOnly || settings.Peers;
        var bodies = new List<byte[]>(keepBodies ? (int)total : 0);
        long bodyBytes = 0, bodyCount = 0;
        await foreach (StoredEntry entry in store.ReadEntriesAsync(0, total))
        {
            if (keepBodies)
            {
                bodies.Add(entry.CanonicalBytes);
            }

            bodyBytes += entry.CanonicalBytes.Length;
            bodyCount++;
        }

        return new PipelineResult(
            elapsed.Elapsed,
            total / elapsed.Elapsed.TotalSeconds,
            all[all.Length / 2] * tickToMicros,
            all[(int)(all.Length * 0.99)] * tickToMicros,
            all[^1] * tickToMicros,
            batches == 0 ? 0 : (double)batchTotal / batches,
            batchMax,
            batches,
            bodyCount == 0 ? 0 : (double)bodyBytes / bodyCount,
            commitSeconds,
            processCpu,
            dbPath,
            signer.Verifier,
            options.Origin,
            bodies,
            cpuLines,
            checkpointLatency,
            restartClock.Elapsed);
    }
}
