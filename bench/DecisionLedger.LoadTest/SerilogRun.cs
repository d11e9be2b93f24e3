using System.Diagnostics;
using System.Text.Json;
using Serilog;
using Serilog.Core;
using Serilog.Formatting.Compact;

namespace DecisionLedger.LoadTest;

/// <summary>One peer's figures: the same decisions under the same load shape, in the same process.</summary>
internal sealed record PeerResult(string Name, long Decisions, TimeSpan Elapsed, TimeSpan ProcessCpu, double CallP50Micros, double CallP99Micros, long BytesWritten)
{
    public double Throughput => Decisions / Elapsed.TotalSeconds;

    public double CpuMicrosPerDecision => ProcessCpu.TotalMicroseconds / Decisions;
}

/// <summary>
/// What a .NET team does without DecisionLedger: log the same decision object with Serilog 4.4
/// through <c>Serilog.Sinks.Async</c> (<c>blockWhenFull: true</c>, so nothing is dropped, as an
/// audit trail must not) into <c>Serilog.Sinks.File</c> with <c>CompactJsonFormatter</c>. The
/// decision is a plain object graph (nested dictionaries of the same fields and values as the
/// recorder's input), destructured with <c>{@Decision}</c>; neither variant fsyncs, so the
/// comparison favours Serilog on durability.
/// </summary>
internal static class SerilogRun
{
    public static async Task<PeerResult> RunAsync(LoadSettings settings, bool buffered, int warmup)
    {
        Dictionary<string, object?>[] pool = [.. LoadDecisions.CreateJsonPool(1024, seed: 7).Select(ToObject)];
        string path = Path.Combine(settings.WorkDirectory, buffered ? "serilog-buffered.clef" : "serilog-default.clef");
        if (warmup > 0)
        {
            await LogAsync(settings with { Count = warmup, Rate = 0 }, pool, path + ".warmup", buffered);
            File.Delete(path + ".warmup");
        }

        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var elapsed = Stopwatch.StartNew();
        long[][] latencies = await LogAsync(settings, pool, path, buffered);
        elapsed.Stop();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        long[] all = [.. latencies.SelectMany(l => l)];
        Array.Sort(all);
        return new PeerResult(
            buffered ? "Serilog async, file sink buffered: true" : "Serilog async, file sink default (flush per event)",
            all.Length,
            elapsed.Elapsed,
            cpu,
            PacedProducers.Micros(all, 0.5),
            PacedProducers.Micros(all, 0.99),
            new FileInfo(path).Length);
    }

    private static async Task<long[][]> LogAsync(LoadSettings settings, Dictionary<string, object?>[] pool, string path, bool buffered)
    {
        Logger logger = new LoggerConfiguration()
            .WriteTo.Async(a => a.File(new CompactJsonFormatter(), path, buffered: buffered), bufferSize: 10_000, blockWhenFull: true)
            .CreateLogger();
        try
        {
            return await PacedProducers.RunAsync(settings, (_, i) =>
                logger.Information("Decision {RequestId} {@Decision}", i, pool[i % pool.Length]));
        }
        finally
        {
            // Disposing drains the async buffer and flushes the file: the run ends when every event is written.
            await logger.DisposeAsync();
        }
    }

    // The decision as an application holds it: objects, strings, numbers and booleans, no JSON document.
    private static Dictionary<string, object?> ToObject(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return (Dictionary<string, object?>)ToValue(document.RootElement)!;
    }

    private static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToValue(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out long integer) ? integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
