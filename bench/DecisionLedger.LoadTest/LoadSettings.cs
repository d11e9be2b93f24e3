using System.Globalization;

namespace DecisionLedger.LoadTest;

/// <summary>Command-line settings of the load tool.</summary>
internal sealed record LoadSettings(int Count, int Producers, int QueueCapacity, string WorkDirectory, bool Keep, int Rate, int MaxBatch, string Store = "sqlite", string? Connection = null, bool PipelineOnly = false, bool Peers = true, bool SynchronousIndex = false, int EntryFormat = 1, int DistinctSubjects = 0, bool WithoutHeadsCommitment = false)
{
    public static LoadSettings Parse(string[] args)
    {
        int count = 300_000;
        int producers = 4;
        int queue = 65_536;
        string dir = Path.Combine(Path.GetTempPath(), "dledger-load-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        bool keep = false;
        int rate = 0;
        string store = "sqlite";
        string? connection = null;
        bool pipelineOnly = false;
        bool? peers = null;
        bool synchronousIndex = false;
        int entryFormat = 1;
        int distinctSubjects = 0;
        bool withoutHeadsCommitment = false;
        int batch = new DecisionLedger.Recording.LedgerOptions().MaxBatchSize;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--producers": producers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--queue": queue = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": dir = args[++i]; break;
                case "--keep": keep = true; break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rate": rate = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--store": store = args[++i]; break;
                case "--connection": connection = args[++i]; break;
                case "--pipeline-only": pipelineOnly = true; break;
                case "--entry-format": entryFormat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--distinct-subjects": distinctSubjects = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-heads-commitment": withoutHeadsCommitment = true; break;
                case "--peers": peers = true; break;
                case "--no-peers": peers = false; break;
                case "--index-mode":
                    string mode = args[++i];
                    synchronousIndex = mode switch
                    {
                        "deferred" => false,
                        "synchronous" => true,
                        _ => throw new ArgumentException($"--index-mode: '{mode}' is not an index mode; use 'deferred' (default) or 'synchronous'."),
                    };
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--count N] [--producers K] [--queue N] [--dir DIR] [--keep] [--rate DECISIONS_PER_SECOND] [--batch MAX_BATCH_SIZE] [--store sqlite|postgres] [--connection NPGSQL_CONNECTION_STRING] [--pipeline-only] [--peers|--no-peers] [--index-mode deferred|synchronous] [--entry-format 1|2] [--no-heads-commitment] [--distinct-subjects N]");
            }
        }

        if (distinctSubjects < 0)
        {
            throw new ArgumentException($"--distinct-subjects: {distinctSubjects} is negative; give the number of distinct subject ids to spread the decisions over (0: the pool's own 50,000).");
        }

        if (withoutHeadsCommitment && entryFormat != 2)
        {
            throw new ArgumentException($"--no-heads-commitment: needs --entry-format 2 (it leaves the heads commitment out of v2 entries, to measure its cost); got --entry-format {entryFormat}.");
        }

        if (store is not ("sqlite" or "postgres"))
        {
            throw new ArgumentException($"--store: '{store}' is not a store; use 'sqlite' or 'postgres'.");
        }

        if (store == "postgres" && string.IsNullOrWhiteSpace(connection))
        {
            throw new ArgumentException("--connection: required with --store postgres (an owner role's Npgsql connection string; the run migrates and drops its own schema).");
        }

        // The Serilog peers run by default in a full run and only on request with --pipeline-only (kept quick).
        return new LoadSettings(count, producers, queue, dir, keep, rate, batch, store, connection, pipelineOnly, peers ?? !pipelineOnly, synchronousIndex, entryFormat, distinctSubjects, withoutHeadsCommitment);
    }
}
