using System.Diagnostics;
using System.Globalization;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Querying;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.LoadTest;

/// <summary>
/// <c>query [--count N] [--dir DIR] [--runs R] [--index PATH,PATH…|none] [--explain]</c>: times the
/// first page (20 rows) of typical queries through <see cref="LedgerQuery"/> on a large SQLite ledger.
/// The ledger is written once through the real recorder and cached under the tool's output
/// directory (or DIR), so later runs only query. <c>--index</c> makes the declared where-path
/// indexes exactly the listed ones before timing (<c>none</c> drops them all; without it they stay
/// as they are); <c>--explain</c> prints each case's <c>EXPLAIN QUERY PLAN</c>.
/// </summary>
internal static class QueryBench
{
    private static readonly DateTimeOffset s_start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(string[] args)
    {
        int count = 1_000_000;
        int runs = 25;
        string dir = Path.Combine(AppContext.BaseDirectory, "query-ledger");
        string[]? indexes = null;
        bool explain = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": dir = args[++i]; break;
                case "--index": indexes = args[++i] == "none" ? [] : args[i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--explain": explain = true; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: query [--count N] [--runs R] [--dir DIR] [--index PATH,PATH…|none] [--explain]");
            }
        }

        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"ledger-{count}.db");
        if (!File.Exists(path + ".complete"))
        {
            await BuildAsync(path, count);
        }
        else
        {
            Console.WriteLine($"Reusing the cached ledger {path}");
        }

        if (indexes is not null)
        {
            await DeclareIndexesAsync(path, indexes);
        }

        await using var store = new SqliteLedgerStore(path, new SqliteLedgerStoreOptions { ReadOnly = true });
        long size = (await store.OpenAsync()).Size;
        StoredEntry middle = (await store.GetEntryAsync(size / 2))!;
        var query = new LedgerQuery(store);
        DateTimeOffset hour = TimestampOf(size / 3);
        string rareScore = RareScore(middle);
        IReadOnlyList<string> indexedPaths = await store.GetIndexedFieldPathsAsync();
        Console.WriteLine($"Indexed where-paths: {(indexedPaths.Count > 0 ? string.Join(", ", indexedPaths) : "none")}");
        (string Name, EntryFilter Filter, bool Indexed)[] cases =
        [
            ("newest, no filter", new EntryFilter(), true),
            ("model + where output.label = \"fraud\"", Where(new EntryFilter { ModelName = "fraud_detector" }, "output.label = \"fraud\""), true),
            ("model + where output.score >= 0.99", Where(new EntryFilter { ModelName = "fraud_detector" }, "output.score >= 0.99"), true),
            ("model + where input.amount > 3900", Where(new EntryFilter { ModelName = "fraud_detector" }, "input.amount > 3900"), true),
            ("model + 2 predicates (label, attribution)", Where(new EntryFilter { ModelName = "fraud_detector" }, "output.label = \"fraud\" and explanation.attributions.amount > 0.1"), true),
            ("user", new EntryFilter { UserId = "analyst-17" }, true),
            ("user + where output.label = \"fraud\"", Where(new EntryFilter { UserId = "analyst-17" }, "output.label = \"fraud\""), true),
            ("time range (1 hour)", new EntryFilter { From = hour, To = hour.AddHours(1) }, true),
            ("time range (1 hour) + where", Where(new EntryFilter { From = hour, To = hour.AddHours(1) }, "output.label = \"fraud\""), true),
            ("time range (1 day)", new EntryFilter { From = hour, To = hour.AddDays(1) }, true),
            ("time range (1 day) + where output.score >= 0.99", Where(new EntryFilter { From = hour, To = hour.AddDays(1) }, "output.score >= 0.99"), true),
            ("time range (since 1 day ago, open end)", new EntryFilter { From = TimestampOf(size - 1).AddDays(-1) }, true),
            ("where output.score >= 0.99 (1%)", Where(new EntryFilter(), "output.score >= 0.99"), false),
            ("where input.amount > 3900 (2.5%)", Where(new EntryFilter(), "input.amount > 3900"), false),
            ($"where output.score = {rareScore} (0.02%)", Where(new EntryFilter(), $"output.score = {rareScore}"), false),
            ($"model + where output.score = {rareScore} (0.02%)", Where(new EntryFilter { ModelName = "fraud_detector" }, $"output.score = {rareScore}"), true),
            ("fingerprint", new EntryFilter { InputFingerprint = middle.Columns.InputFingerprint }, true),
            ("request id", new EntryFilter { RequestId = middle.Columns.RequestId }, true),
            ("where only (refused: no index)", Where(new EntryFilter(), "output.label = \"fraud\""), false),
            ("where only, --allow-scan (common value)", Where(new EntryFilter(), "output.label = \"fraud\""), true),
        ];

        // CPU time (the process's, all threads) says what a query costs when the machine is shared.
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"First page (20 rows) through LedgerQuery, {size:N0} entries, median and max of {runs} runs after one warm-up");
        foreach ((string name, EntryFilter filter, bool indexed) in cases)
        {
            if (explain)
            {
                Console.WriteLine($"  {name}:");
                foreach (string line in await store.ExplainQueryAsync(filter with { Limit = 21 }))
                {
                    Console.WriteLine($"      {line}");
                }
            }

            bool allowScan = name.Contains("--allow-scan", StringComparison.Ordinal);
            var times = new double[runs];
            var cpu = new double[runs];
            int rows = 0;
            string outcome = "";
            for (int run = -1; run < runs; run++)
            {
                TimeSpan cpuBefore = process.TotalProcessorTime;
                var stopwatch = Stopwatch.StartNew();
                try
                {
                    QueryPage page = await query.RunAsync(filter with { Limit = 20 }, allowScan: allowScan);
                    rows = page.Entries.Count;
                    outcome = $"{rows} rows";
                }
                catch (QueryException) when (!indexed)
                {
                    outcome = "refused with a hint";
                }

                if (run >= 0)
                {
                    times[run] = stopwatch.Elapsed.TotalMilliseconds;
                    process.Refresh();
                    cpu[run] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
                }
            }

            Array.Sort(times);
            Array.Sort(cpu);
            Console.WriteLine($"  {name,-45} median {times[runs / 2],8:F2} ms   max {times[^1],8:F2} ms   cpu median {cpu[runs / 2],7:F2} ms   {outcome}");
        }
    }

    // Makes the declared where-path indexes exactly the wanted ones; building one reads every entry.
    private static async Task DeclareIndexesAsync(string path, string[] wanted)
    {
        await using var store = new SqliteLedgerStore(path);
        await store.OpenAsync();
        foreach (string existing in await store.GetIndexedFieldPathsAsync())
        {
            if (!wanted.Contains(existing, StringComparer.Ordinal))
            {
                await store.DropFieldIndexAsync(existing);
                Console.WriteLine($"Dropped the index of {existing}");
            }
        }

        foreach (string field in wanted)
        {
            var stopwatch = Stopwatch.StartNew();
            if (await store.AddFieldIndexAsync(field))
            {
                Console.WriteLine($"Indexed {field} in {stopwatch.Elapsed.TotalSeconds:F1} s");
            }
        }
    }

    // A score the pool repeats only count / 4096 times: a rare equality.
    private static string RareScore(StoredEntry entry)
    {
        using var document = System.Text.Json.JsonDocument.Parse(entry.CanonicalBytes);
        return document.RootElement.GetProperty("output").GetProperty("score").GetRawText();
    }

    private static EntryFilter Where(EntryFilter filter, string expression) => filter with { Where = WhereParser.Parse(expression) };

    private static DateTimeOffset TimestampOf(long seq) => s_start.AddMilliseconds(seq * 2_600);

    private static async Task BuildAsync(string path, int count)
    {
        Console.WriteLine($"Building a {count:N0}-entry ledger at {path} (once; later runs reuse it)...");
        Decision[] pool = LoadDecisions.CreatePool(4096, seed: 13);
        var random = new SeededRandomSource(17);
        var signer = Ed25519NoteSigner.Generate("querybench.local", random);
        byte[] fingerprintKey = new byte[32];
        random.Fill(fingerprintKey);
        foreach (string suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        var stopwatch = Stopwatch.StartNew();
        await using (var store = new SqliteLedgerStore(path))
        {
            await store.OpenAsync();
            var options = new LedgerOptions { Origin = "querybench.local/fraud" };
            await using DecisionRecorder recorder = await DecisionRecorder.StartAsync(store, signer, new InputFingerprinter(fingerprintKey), options);
            string[] models = ["fraud_detector", "fraud_detector", "fraud_detector", "fraud_detector", "fraud_detector", "fraud_detector", "fraud_detector", "fraud_detector", "credit_risk", "churn"];
            for (int i = 0; i < count; i++)
            {
                Decision decision = pool[i % pool.Length];
                recorder.Record(decision with
                {
                    Timestamp = TimestampOf(i),
                    Model = decision.Model with { Name = models[i % models.Length] },
                    Actor = new Actor { UserId = $"analyst-{(i * 7919) % 200}", Tenant = (i % 5).ToString(CultureInfo.InvariantCulture) },
                });
                if (i % 100_000 == 99_999)
                {
                    Console.WriteLine($"  {i + 1:N0} recorded ({stopwatch.Elapsed.TotalSeconds:F0} s)");
                }
            }

            await recorder.FlushAsync();
        }

        await File.WriteAllTextAsync(path + ".complete", count.ToString(CultureInfo.InvariantCulture));

        Console.WriteLine($"Built in {stopwatch.Elapsed.TotalSeconds:F0} s ({new FileInfo(path).Length / (1024.0 * 1024.0):F0} MiB)");
    }
}
