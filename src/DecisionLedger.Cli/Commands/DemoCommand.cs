using System.CommandLine;
using DecisionLedger.Cli.Demo;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>demo [--count N]</c>: creates a demo ledger, records realistic decisions, checkpoints, verifies
/// and prints a summary with commands to try. Run again, it continues the story (<see cref="DemoChapter.After"/>).
/// </summary>
internal sealed class DemoCommand(CommandContext context)
{
    /// <summary>The origin of the demo ledger.</summary>
    public const string Origin = "decisionledger.demo/fraud";

    private readonly Option<int> _count = new("--count") { Description = "How many decisions to record.", HelpName = "N", DefaultValueFactory = _ => 1000 };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("demo", $"Create a ledger (origin {Origin}) if absent, record realistic fraud-model decisions (a rerun continues the story after the newest entry), checkpoint, verify and summarize.") { _count };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        int count = parsed.GetValue(_count);
        if (count is <= 0 or > 10_000_000)
        {
            throw new CliException(ExitCodes.BadInput, $"--count: {count} is out of range; pass 1 to 10000000.");
        }

        bool json = context.Json(parsed);
        string path = context.LedgerPath(parsed);
        bool created = false;
        if (!LedgerDirectory.Exists(path))
        {
            await InitCommand.CreateAsync(path, Origin, context.StoreFactory(parsed), cancellationToken);
            created = true;
        }

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: true, cancellationToken);
        long before = await session.Store.GetSizeAsync(cancellationToken);
        DemoChapter chapter = await NextChapterAsync(session.Store, before, cancellationToken);
        DecisionRecorder recorder = await session.StartRecorderAsync(context.Environment.Time, cancellationToken);
        try
        {
            await HumanConsole.RunWithProgressAsync<long, long>(context.Environment, json, "Recording decisions", done => (done, count), async progress =>
            {
                var generator = new DemoDecisionGenerator(count, chapter);
                var inFlight = new Queue<ValueTask<RecordReceipt>>();
                long done = 0;
                while (generator.Next() is { } decision)
                {
                    inFlight.Enqueue(recorder.RecordAsync(decision, cancellationToken));
                    if (inFlight.Count >= RecordCommand.MaxInFlight)
                    {
                        await inFlight.Dequeue();
                        progress?.Report(++done);
                    }
                }

                while (inFlight.TryDequeue(out ValueTask<RecordReceipt> pending))
                {
                    await pending;
                    progress?.Report(++done);
                }

                return done;
            });
        }
        finally
        {
            // Drains and signs the final checkpoint.
            await recorder.DisposeAsync();
        }

        StoredCheckpoint checkpoint = await session.Store.GetLatestCheckpointAsync(cancellationToken)
            ?? throw new CliException(ExitCodes.StoreFailure, $"{session.Directory.Path}: the recorder stopped without writing a checkpoint; run 'dledger checkpoint --new'.");
        VerificationReport report = await HumanConsole.RunWithProgressAsync<VerificationProgress, VerificationReport>(
            context.Environment, json, "Verifying", p => (p.Done, p.Total),
            progress => new LedgerVerifier().VerifyAsync(session.Store, session.Verifier, session.Origin, new VerificationOptions { TimeProvider = context.Environment.Time }, progress, cancellationToken).AsTask());

        var versions = new List<(string Version, long Count)>();
        foreach (string version in StoryVersions(chapter))
        {
            long n = 0;
            await foreach (StoredEntry _ in session.Store.QueryAsync(new EntryFilter { ModelName = DemoDecisionGenerator.ModelName, ModelVersion = version, Limit = int.MaxValue }, cancellationToken))
            {
                n++;
            }

            versions.Add((version, n));
        }

        long size = await session.Store.GetSizeAsync(cancellationToken);
        if (json)
        {
            await JsonOutput.WriteAsync(context.Environment.Out, w =>
            {
                w.WriteStartObject();
                w.WriteString("ledger", session.Directory.Path);
                w.WriteString("origin", session.Origin);
                w.WriteBoolean("created", created);
                w.WriteNumber("recorded", size - before);
                w.WriteNumber("entries", size);
                w.WriteStartArray("models");
                foreach ((string version, long n) in versions)
                {
                    w.WriteStartObject();
                    w.WriteString("name", DemoDecisionGenerator.ModelName);
                    w.WriteString("version", version);
                    w.WriteNumber("entries", n);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartObject("checkpoint");
                w.WriteNumber("treeSize", checkpoint.TreeSize);
                w.WriteString("rootHash", checkpoint.RootHash.ToBase64());
                w.WriteEndObject();
                w.WriteBoolean("verified", report.Passed);
                w.WriteString("verifierKey", session.Directory.VerifierKey);
                w.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            TextWriter o = context.Environment.Out;
            string ledgerArg = Quote(session.Directory.Path);
            string dledger = context.Environment.Invocation;
            await o.WriteLineAsync($"{(created ? "Created" : "Added to")} demo ledger {session.Directory.Path} (origin {session.Origin})");
            await o.WriteLineAsync($"  recorded   {Plural.Of(size - before, "decision")}; the ledger holds {size}");
            await o.WriteLineAsync($"  model      {DemoDecisionGenerator.ModelName}: " + string.Join(", ", versions.Select(v => $"{v.Version} ({v.Count})")));
            await o.WriteLineAsync($"  checkpoint size {checkpoint.TreeSize}, root {checkpoint.RootHash.ToBase64()}");
            await o.WriteLineAsync(report.Passed
                ? $"  verify     PASSED ({Plural.Entries(report.EntriesVerified)}, {Plural.Of(report.CheckpointsVerified, "checkpoint")}, {Plural.Of(report.InputsVerified, "input")})"
                : $"  verify     FAILED at seq {report.FirstFinding!.Seq}: {VerifyCommand.KindName(report.FirstFinding.Kind)}");
            await o.WriteLineAsync();
            await o.WriteLineAsync("Try next:");
            await o.WriteLineAsync($"  {dledger} query --ledger {ledgerArg} --version {chapter.Versions[^1]} --limit 5");
            await o.WriteLineAsync($"  {dledger} show --ledger {ledgerArg} --seq {Math.Min(42, size - 1)}");
            await o.WriteLineAsync($"  {dledger} proof inclusion --ledger {ledgerArg} --seq {Math.Min(42, size - 1)}");
            await o.WriteLineAsync($"  {dledger} checkpoint --ledger {ledgerArg}");
            await o.WriteLineAsync($"  {dledger} verify --ledger {ledgerArg}");
            await o.WriteLineAsync($"  {dledger} report version-timeline --ledger {ledgerArg} --model {DemoDecisionGenerator.ModelName}");
        }

        return report.Passed ? ExitCodes.Ok : ExitCodes.VerificationFailed;
    }

    /// <summary>
    /// Where this run's story starts: the first chapter on an empty ledger, else the chapter after
    /// the newest entry and the version the demo model served last, so a second run moves time and
    /// versions forward instead of recording the same 30 days again.
    /// </summary>
    private static async Task<DemoChapter> NextChapterAsync(ILedgerStore store, long size, CancellationToken cancellationToken)
    {
        if (size == 0)
        {
            return DemoChapter.First;
        }

        DateTimeOffset last = DateTimeOffset.MinValue;
        if (await store.GetEntryAsync(size - 1, cancellationToken) is { } newest)
        {
            last = newest.Columns.Timestamp;
        }

        string? version = null;
        await foreach (StoredEntry entry in store.QueryAsync(new EntryFilter { ModelName = DemoDecisionGenerator.ModelName, Kind = EntryColumns.DecisionKind, Limit = 1 }, cancellationToken))
        {
            version = entry.Columns.ModelVersion;
            last = entry.Columns.Timestamp > last ? entry.Columns.Timestamp : last;
        }

        return last == DateTimeOffset.MinValue ? DemoChapter.First : DemoChapter.After(last, version);
    }

    // Every version the story has reached by this chapter: 3.0.0, 3.1.0, 3.2.1, then one minor version per later run.
    private static IEnumerable<string> StoryVersions(DemoChapter chapter)
    {
        var chain = new List<string>(DemoDecisionGenerator.Versions);
        string target = chapter.Versions[^1];
        while (chain.Count < 1000 && !chain.Contains(target, StringComparer.Ordinal))
        {
            chain.Add(DemoChapter.NextMinor(chain[^1]));
        }

        return (chain.Contains(target, StringComparer.Ordinal) ? chain : DemoDecisionGenerator.Versions)
            .Concat(chapter.Versions)
            .Distinct(StringComparer.Ordinal);
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"'{path}'" : path;
}
