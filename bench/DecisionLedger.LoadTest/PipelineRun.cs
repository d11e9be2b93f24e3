using System.Diagnostics;
using System.Diagnostics.Metrics;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Records;
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
    IReadOnlyList<string> Cpu);

/// <summary>Runs the real recorder against a fresh ledger in the chosen store.</summary>
internal static class PipelineRun
{
    public static async Task<PipelineResult> RunAsync(LoadSettings settings)
    {
        Decision[] pool = LoadDecisions.CreatePool(1024, seed: 7);
        string dbPath = Path.Combine(settings.WorkDirectory, "pipeline.db");
        var random = new SeededRandomSource(11);
        var signer = Ed25519NoteSigner.Generate("loadtest.local", random);
        byte[] fingerprintKey = new byte[32];
        random.Fill(fingerprintKey);

        long batches = 0, batchTotal = 0;
        int batchMax = 0;
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
            batchMax = Math.Max(batchMax, value);
        });
        double commitSeconds = 0;
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => commitSeconds += value);
        listener.Start();

        await using ILedgerStore store = LoadStore.Create(settings, dbPath);
        var options = new LedgerOptions { Origin = "loadtest.local/fraud", QueueCapacity = settings.QueueCapacity, MaxBatchSize = settings.MaxBatch };
        long[][] latencies = new long[settings.Producers][];
        Stopwatch elapsed;
        CpuMeter cpu = CpuMeter.Start(LoadStore.IsPostgres(settings) ? ["postgres"] : []);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await using (DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, signer, new InputFingerprinter(fingerprintKey), options))
        {
            int perProducer = settings.Count / settings.Producers;
            elapsed = Stopwatch.StartNew();
            Task[] producers = new Task[settings.Producers];
            for (int p = 0; p < settings.Producers; p++)
            {
                int producer = p;
                latencies[p] = new long[perProducer];
                producers[p] = Task.Run(() =>
                {
                    long[] own = latencies[producer];
                    double perProducerRate = settings.Rate / (double)settings.Producers;
                    long started = Stopwatch.GetTimestamp();
                    for (int i = 0; i < perProducer; i++)
                    {
                        // Paced mode: offer load below capacity, in 1 ms bursts, so Record() latency
                        // measures the enqueue path rather than back-pressure waits.
                        while (perProducerRate > 0 && i > Stopwatch.GetElapsedTime(started).TotalSeconds * perProducerRate)
                        {
                            Thread.Sleep(1);
                        }

                        Decision decision = pool[(producer * perProducer + i) % pool.Length];
                        long start = Stopwatch.GetTimestamp();
                        recorder.Record(decision);
                        own[i] = Stopwatch.GetTimestamp() - start;
                    }
                });
            }

            await Task.WhenAll(producers);
            await recorder.FlushAsync();
            elapsed.Stop();
        }

        // User + system time of the whole process while recording: what a decision costs in CPU,
        // which stays meaningful when other work shares the cores and wall-clock throughput does not.
        TimeSpan processCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        listener.Dispose();
        long total = latencies.Sum(l => (long)l.Length);
        IReadOnlyList<string> cpuLines = [.. cpu.Report(total)];
        long[] all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double tickToMicros = 1_000_000.0 / Stopwatch.Frequency;

        var bodies = new List<byte[]>((int)total);
        long bodyBytes = 0;
        await foreach (StoredEntry entry in store.ReadEntriesAsync(0, total))
        {
            bodies.Add(entry.CanonicalBytes);
            bodyBytes += entry.CanonicalBytes.Length;
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
            bodies.Count == 0 ? 0 : (double)bodyBytes / bodies.Count,
            commitSeconds,
            processCpu,
            dbPath,
            signer.Verifier,
            options.Origin,
            bodies,
            cpuLines);
    }
}
