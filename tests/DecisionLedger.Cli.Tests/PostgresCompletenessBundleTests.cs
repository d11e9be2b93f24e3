using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Completeness proofs on a real PostgreSQL ledger: <c>export --subject</c> / <c>--model</c> read the subjects table,
/// the chains and the heads entries from the store, and <c>verify --bundle</c> proves the subject's or model's
/// history whole (0 in a window, 1, many), and catches a chain entry left out with every trace of it.
/// </summary>
public sealed class PostgresCompletenessBundleTests
{
    [PostgresFact]
    public async Task Export_SubjectWithManyEntries_VerifyReportsCompleteAndTheMappingNamesTheSubject()
    {
        await using PostgresScratchLedger ledger = await V2LedgerAsync();
        await ledger.RecordAsync(("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"), (null, "fraud"), ("alice", "fraud"));
        await ledger.RecordAsync(("bob", "credit"), ("alice", "fraud"));

        string bundle = await ledger.ExportAsync("--subject", "alice");
        CliResult verify = await ledger.VerifyBundleAsync(bundle);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (4 of 4)", verify.Out, StringComparison.Ordinal);
        using JsonDocument mapping = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "subject.json")));
        Assert.Equal("alice", mapping.RootElement.GetProperty("id").GetString());
        string subjectRef = mapping.RootElement.GetProperty("ref").GetString()!;
        Assert.Equal(4, ReadLines(bundle, "entries.jsonl").Count(line => line.Contains(subjectRef, StringComparison.Ordinal) && !line.Contains("\"kind\"", StringComparison.Ordinal)));
        Assert.DoesNotContain(ReadLines(bundle, "entries.jsonl"), line => line.Contains("alice", StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task Export_SubjectWithOneEntry_Json_ReportsOneOfOne()
    {
        await using PostgresScratchLedger ledger = await V2LedgerAsync();
        await ledger.RecordAsync(("bob", "fraud"), ("carol", "fraud"), ("bob", "fraud"));

        CliResult verify = await ledger.VerifyBundleAsync(await ledger.ExportAsync("--subject", "carol"), "--json");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        using JsonDocument report = JsonDocument.Parse(verify.Out);
        JsonElement completeness = report.RootElement.GetProperty("completeness");
        Assert.True(completeness.GetProperty("complete").GetBoolean());
        Assert.Equal(1, completeness.GetProperty("found").GetInt64());
        Assert.Equal(1, completeness.GetProperty("expected").GetInt64());
    }

    // The window starts just after the last entry of the first run (its heads entry), read back from the store, so
    // which entries fall inside does not depend on the test's clock.
    [PostgresFact]
    public async Task Export_SubjectWithNoEntryInTheWindow_ProvesZeroOfZero()
    {
        await using PostgresScratchLedger ledger = await V2LedgerAsync();
        await ledger.RecordAsync(("alice", "fraud"), ("alice", "fraud"));
        DateTimeOffset between = await LastTimestampAsync(ledger) + TimeSpan.FromTicks(10);
        await ledger.RecordAsync(("bob", "fraud"), ("bob", "fraud"));

        string bundle = await ledger.ExportAsync("--subject", "alice", "--from", between.ToString("O", CultureInfo.InvariantCulture));
        CliResult verify = await ledger.VerifyBundleAsync(bundle);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (0 of 0)", verify.Out, StringComparison.Ordinal);
        Assert.Contains("recorded between the heads entries", verify.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Export_Model_ProvesTheModelsChain()
    {
        await using PostgresScratchLedger ledger = await V2LedgerAsync();
        await ledger.RecordAsync(("alice", "fraud"), ("bob", "credit"), (null, "fraud"));
        await ledger.RecordAsync(("carol", "fraud"));

        CliResult verify = await ledger.VerifyBundleAsync(await ledger.ExportAsync("--model", "fraud"));

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (3 of 3)", verify.Out, StringComparison.Ordinal);
        Assert.Contains("m:fraud", verify.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Export_AcrossTheSwitchFromV1_ExportsTheV1EntriesButCountsOnlyTheChain()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        await ledger.InitAsync(v2: false);
        await ledger.RecordAsync(("alice", "fraud"), ("bob", "fraud"), ("alice", "fraud"));
        ledger.SwitchConfigToV2();
        await ledger.RecordAsync(("alice", "fraud"), ("alice", "credit"), ("alice", "fraud"));

        string bundle = await ledger.ExportAsync("--subject", "alice");
        CliResult verify = await ledger.VerifyBundleAsync(bundle);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (3 of 3)", verify.Out, StringComparison.Ordinal);
        Assert.Equal(2, ReadLines(bundle, "entries.jsonl").Count(line => line.Contains("\"id\":\"alice\"", StringComparison.Ordinal)));
    }

    [PostgresFact]
    public async Task Tamper_ChainEntryDroppedWithItsProofInputAndCounts_IsCaughtAsEntryDeleted()
    {
        await using PostgresScratchLedger ledger = await V2LedgerAsync();
        await ledger.RecordAsync(("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"), ("alice", "fraud"), (null, "fraud"));
        string bundle = await ledger.ExportAsync("--subject", "alice");
        string subjectRef;
        using (JsonDocument mapping = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "subject.json"))))
        {
            subjectRef = mapping.RootElement.GetProperty("ref").GetString()!;
        }

        CliResult intact = await ledger.VerifyBundleAsync(bundle);
        Assert.True(intact.ExitCode == 0, intact.ToString());

        List<string> entries = ReadLines(bundle, "entries.jsonl");
        int index = entries.FindIndex(line => line.Contains(subjectRef, StringComparison.Ordinal) && !line.Contains("\"kind\"", StringComparison.Ordinal));
        long seq = SeqOf(entries[index]);
        RemoveLines(bundle, "entries.jsonl", line => SeqOf(line) == seq);
        RemoveLines(bundle, "proofs.jsonl", line => LeafIndexOf(line) == seq);
        RemoveLines(bundle, "inputs.jsonl", line => SeqOf(line) == seq);
        EditManifest(bundle, manifest =>
        {
            manifest["entryCount"] = manifest["entryCount"]!.GetValue<long>() - 1;
            manifest["inputCount"] = manifest["inputCount"]!.GetValue<long>() - 1;
        });

        CliResult verify = await ledger.VerifyBundleAsync(bundle);

        SqliteTamper.AssertFinding(verify, seq, "entry-deleted");
    }

    private static async Task<PostgresScratchLedger> V2LedgerAsync()
    {
        PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        await ledger.InitAsync(v2: true);
        return ledger;
    }

    private static async Task<DateTimeOffset> LastTimestampAsync(PostgresScratchLedger ledger)
    {
        (_, string body) = (await ledger.ReadBodiesAsync())[^1];
        using JsonDocument entry = JsonDocument.Parse(body);
        return DateTimeOffset.Parse(entry.RootElement.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
    }

    private static List<string> ReadLines(string bundle, string file) =>
        [.. File.ReadAllLines(Path.Combine(bundle, file)).Where(line => line.Length > 0)];

    private static long SeqOf(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("seq").GetInt64();
    }

    private static long LeafIndexOf(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("leafIndex").GetInt64();
    }

    private static void RemoveLines(string bundle, string file, Func<string, bool> predicate)
    {
        List<string> lines = ReadLines(bundle, file);
        Assert.Equal(1, lines.Count(predicate));
        File.WriteAllLines(Path.Combine(bundle, file), lines.Where(line => !predicate(line)));
    }

    private static void EditManifest(string bundle, Action<JsonObject> edit)
    {
        string path = Path.Combine(bundle, "manifest.json");
        JsonObject json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString() + "\n");
    }
}
