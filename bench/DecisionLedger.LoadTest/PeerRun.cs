using System.Globalization;

namespace DecisionLedger.LoadTest;

/// <summary>Prints the recorder beside its peers of the same run, as ratios a user can read.</summary>
internal static class PeerRun
{
    public static void Report(LoadSettings settings, PipelineResult recorder, IReadOnlyList<PeerResult> peers)
    {
        double recorderCpu = recorder.ProcessCpu.TotalMicroseconds / Math.Max(1, recorder.Bodies.Count);
        Console.WriteLine();
        Console.WriteLine("Peers in the same run: the same decisions, producers and " + (settings.Rate > 0 ? $"pacing ({settings.Rate:N0}/s)" : "load (unpaced)") + "; CPU is this process's user + system time");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"subject",-54} {"decisions/s",12} {"CPU µs/decision",16} {"call p99 µs",12} {"bytes/decision",15}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {"DecisionLedger recorder (durable: fsync per batch)",-54} {recorder.Throughput,12:N0} {recorderCpu,16:F1} {recorder.EnqueueP99Micros,12:F2} {recorder.MeanEntryBytes,15:F0}"));
        foreach (PeerResult peer in peers)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {peer.Name,-54} {peer.Throughput,12:N0} {peer.CpuMicrosPerDecision,16:F1} {peer.CallP99Micros,12:F2} {peer.BytesWritten / (double)Math.Max(1, peer.Decisions),15:F0}"));
        }

        foreach (PeerResult peer in peers)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  recorder CPU/decision ÷ {peer.Name} CPU/decision = {recorderCpu / peer.CpuMicrosPerDecision:F2}x; throughput ratio {recorder.Throughput / peer.Throughput:F2}x"));
        }
    }
}
