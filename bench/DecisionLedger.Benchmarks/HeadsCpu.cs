using System.Diagnostics;
using System.Globalization;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// <c>--heads-cpu [DECISIONS] [DISTINCT] [HEADS_EVERY] [native|managed]</c>: the sequencer's heads-map work alone, as the load tool's
/// <c>--distinct-subjects</c> run drives it (docs/performance.md, "Entry format v2: the cost of the heads commitment"):
/// decision i is about subject <c>(i mod DISTINCT) · 2654435761 mod DISTINCT</c> of one model, its prev links read and
/// its chains moved through <see cref="ChainState"/>, a heads root every HEADS_EVERY decisions; then the map's rebuild
/// at start-up (<see cref="HeadsMap.Build"/> of every key, and its root). Process CPU, so a loaded machine's neighbours
/// count less than in wall-clock figures. <c>managed</c> hashes through <c>ThreadSha256</c> instead of
/// <see cref="ShortSha256"/>'s native path (the default where it is available), to compare the two in alternated runs.
/// </summary>
internal static class HeadsCpu
{
    public static void Run(int decisions, int distinct, int headsEvery, bool nativeSha = true)
    {
        ShortSha256.UseNative = nativeSha;
        var random = new SeededRandomSource(14);
        string[] refs = new string[distinct];
        for (int i = 0; i < distinct; i++)
        {
            refs[i] = SubjectRefs.NewRef(random);
        }

        var columns = new EntryColumns("r", DateTimeOffset.UnixEpoch, "fraud_detector", "1", null, null, null, null);
        var entry = new StoredEntry(0, [], default, columns);
        ChainState chains = ChainState.Switched(0);
        TimeSpan linkCpu = TimeSpan.Zero;
        TimeSpan rootCpu = TimeSpan.Zero;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        int gen2 = GC.CollectionCount(2);
        Sha256Hash root = default;
        var process = Process.GetCurrentProcess();
        for (int start = 0; start < decisions; start += headsEvery)
        {
            int end = Math.Min(decisions, start + headsEvery);
            process.Refresh();
            TimeSpan before = process.TotalProcessorTime;
            for (int i = start; i < end; i++)
            {
                long subject = (i % distinct) * 2654435761L % distinct;
                chains.Link("fraud_detector", refs[subject]);
                chains.Appended(entry with { Seq = i + 1 });
            }

            process.Refresh();
            TimeSpan middle = process.TotalProcessorTime;
            root = chains.CommitHeads().Root;
            process.Refresh();
            linkCpu += middle - before;
            rootCpu += process.TotalProcessorTime - middle;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        gen2 = GC.CollectionCount(2) - gen2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{decisions:N0} decisions over {distinct:N0} subjects, a heads root every {headsEvery:N0}, SHA-256 {(ShortSha256.UseNative ? "native" : "managed")}; root {root}; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  links + moves (Link, Appended)   {linkCpu.TotalMicroseconds / decisions,8:0.00} µs per decision"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  heads roots (CommitHeads)        {rootCpu.TotalMicroseconds / decisions,8:0.00} µs per decision"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  allocated {allocated / (double)decisions:0} B per decision, gen2 GCs {gen2}"));

        // The rebuild at start-up: every key's head, as the store's chain-head query returns them.
        var heads = new List<(string Key, ChainHead Head)>(Math.Min(decisions, distinct) + 1);
        var counts = new Dictionary<int, (long Last, long Count)>();
        for (int i = 0; i < decisions; i++)
        {
            int subject = (int)((i % distinct) * 2654435761L % distinct);
            counts[subject] = (i + 1, counts.TryGetValue(subject, out var c) ? c.Count + 1 : 1);
        }

        foreach ((int subject, (long last, long count)) in counts)
        {
            heads.Add((ChainKeys.Subject(refs[subject]), new ChainHead(last, count)));
        }

        heads.Add((ChainKeys.Model("fraud_detector"), new ChainHead(decisions, decisions)));
        process.Refresh();
        TimeSpan buildStart = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        HeadsMap map = HeadsMap.Build(heads);
        Sha256Hash rebuilt = map.ComputeRoot();
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Build + ComputeRoot of {heads.Count:N0} keys: {(process.TotalProcessorTime - buildStart).TotalSeconds:0.00} s CPU, {wall.Elapsed.TotalSeconds:0.00} s wall; same root: {rebuilt == root}"));
    }
}
