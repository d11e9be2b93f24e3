using System.Diagnostics;

namespace DecisionLedger.LoadTest;

/// <summary>
/// K producer tasks offering <c>count</c> items, unpaced or paced at a total rate: the one load
/// shape every subject of a run (the recorder and its peers) is measured under.
/// </summary>
internal static class PacedProducers
{
    /// <summary>Runs <paramref name="offer"/>(producer, index) for every item and returns each call's duration in Stopwatch ticks, per producer.</summary>
    public static async Task<long[][]> RunAsync(LoadSettings settings, Action<int, int> offer)
    {
        int perProducer = settings.Count / settings.Producers;
        long[][] latencies = new long[settings.Producers][];
        Task[] producers = new Task[settings.Producers];
        for (int p = 0; p < settings.Producers; p++)
        {
            int producer = p;
            latencies[p] = new long[perProducer];
            // Paced producers get threads of their own: they sleep between bursts, and two sleeping pool
            // threads on two cores starve the recorder's stages until the pool injects threads
            // (measured: one ~1 s stall after start). Unpaced producers model saturation and stay on
            // the pool, as every figure before this change was measured.
            producers[p] = Task.Factory.StartNew(() =>
            {
                long[] own = latencies[producer];
                double perProducerRate = settings.Rate / (double)settings.Producers;
                long started = Stopwatch.GetTimestamp();
                for (int i = 0; i < perProducer; i++)
                {
                    // Paced mode: offer load below capacity, in 1 ms bursts, so the call's latency
                    // measures the enqueue path rather than back-pressure waits.
                    while (perProducerRate > 0 && i > Stopwatch.GetElapsedTime(started).TotalSeconds * perProducerRate)
                    {
                        Thread.Sleep(1);
                    }

                    long start = Stopwatch.GetTimestamp();
                    offer(producer, producer * perProducer + i);
                    own[i] = Stopwatch.GetTimestamp() - start;
                }
            }, CancellationToken.None, settings.Rate > 0 ? TaskCreationOptions.LongRunning : TaskCreationOptions.None, TaskScheduler.Default);
        }

        await Task.WhenAll(producers);
        return latencies;
    }

    /// <summary>Percentile (0–1) of the sorted ticks, in microseconds.</summary>
    public static double Micros(long[] sortedTicks, double percentile) =>
        sortedTicks.Length == 0 ? 0 : sortedTicks[Math.Min(sortedTicks.Length - 1, (int)(sortedTicks.Length * percentile))] * 1_000_000.0 / Stopwatch.Frequency;
}
