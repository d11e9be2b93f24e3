using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Completeness proofs end to end (entry format 2): a real recorder writes the ledger, <c>export --subject</c> /
/// <c>--model</c> writes the proof, and <c>verify --bundle</c> checks it offline; then every way of leaving an
/// entry out, or of lending the bundle someone else's proof, is caught.
/// </summary>
public sealed class CompletenessBundleTests
{
    [Fact]
    public async Task Export_SubjectWithManyEntries_VerifyReportsCompleteAndTheMappingNamesTheSubject()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"), (null, "fraud"), ("alice", "fraud"), ("bob", "credit"), ("alice", "fraud"));

        string bundle = await ExportAsync(temp, "--subject", "alice");
        CliResult verify = await VerifyAsync(temp, bundle);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (4 of 4)", verify.Out, StringComparison.Ordinal);
        using JsonDocument mapping = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "subject.json")));
        Assert.Equal("alice", mapping.RootElement.GetProperty("id").GetString());
        string subjectRef = mapping.RootElement.GetProperty("ref").GetString()!;
        Assert.Equal(4, ReadLines(bundle, "entries.jsonl").Count(line => line.Contains(subjectRef, StringComparison.Ordinal) && !line.Contains("\"kind\"", StringComparison.Ordinal)));
        Assert.DoesNotContain(ReadLines(bundle, "entries.jsonl"), line => line.Contains("alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_SubjectWithOneEntry_Json_ReportsOneOfOne()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("bob", "fraud"), ("carol", "fraud"), ("bob", "fraud"));

        CliResult verify = await VerifyAsync(temp, await ExportAsync(temp, "--subject", "carol"), "--json");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        using JsonDocument report = JsonDocument.Parse(verify.Out);
        JsonElement completeness = report.RootElement.GetProperty("completeness");
        Assert.True(completeness.GetProperty("complete").GetBoolean());
        Assert.Equal(1, completeness.GetProperty("found").GetInt64());
        Assert.Equal(1, completeness.GetProperty("expected").GetInt64());
    }

    [Fact]
    public async Task Export_SubjectWithNoEntryInTheWindow_ProvesZeroOfZero()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("alice", "fraud"));
        DateTimeOffset between = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await RecordAsync(temp, ("bob", "fraud"), ("bob", "fraud"));

        string bundle = await ExportAsync(temp, "--subject", "alice", "--from", between.ToString("O", CultureInfo.InvariantCulture));
        CliResult verify = await VerifyAsync(temp, bundle);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (0 of 0)", verify.Out, StringComparison.Ordinal);
        Assert.Contains("recorded between the heads entries", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_SubjectWindow_ProvesOnlyTheEntriesRecordedSinceTheLowerHeads()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("alice", "fraud"));
        DateTimeOffset between = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"));

        CliResult verify = await VerifyAsync(temp, await ExportAsync(temp, "--subject", "alice", "--from", between.ToString("O", CultureInfo.InvariantCulture)));

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (2 of 2)", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Model_ProvesTheModelsChain()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "credit"), (null, "fraud"), ("carol", "fraud"));

        CliResult verify = await VerifyAsync(temp, await ExportAsync(temp, "--model", "fraud"));

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (3 of 3)", verify.Out, StringComparison.Ordinal);
        Assert.Contains("m:fraud", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_AcrossTheSwitchFromV1_ExportsV1EntriesButCountsOnlyTheChain()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/complete", "--ledger", temp.Ledger)).ExitCode);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "fraud"));
        string configPath = Path.Combine(temp.Ledger, "ledger.json");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"entryFormat\": 1", "\"entryFormat\": 2", StringComparison.Ordinal));
        await RecordAsync(temp, ("alice", "fraud"), ("alice", "credit"), ("alice", "fraud"));

        string bundle = await ExportAsync(temp, "--subject", "alice");
        CliResult verify = await VerifyAsync(temp, bundle);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("complete: yes (3 of 3)", verify.Out, StringComparison.Ordinal);
        Assert.Equal(2, ReadLines(bundle, "entries.jsonl").Count(line => line.Contains("\"id\":\"alice\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Export_V1Ledger_SaysNothingAboutCompleteness()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/complete", "--ledger", temp.Ledger)).ExitCode);
        await RecordAsync(temp, ("alice", "fraud"), ("alice", "fraud"));

        string bundle = await ExportAsync(temp, "--subject", "alice");
        CliResult verify = await VerifyAsync(temp, bundle);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.DoesNotContain("complete:", verify.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(bundle, "completeness.json")));
    }

    [Fact]
    public async Task Tamper_ChainEntryDroppedWithItsProofInputAndCounts_IsCaughtAsEntryDeleted()
    {
        (TempLedger temp, string bundle, string subjectRef) = await AliceBundleAsync();
        using (temp)
        {
            List<string> entries = ReadLines(bundle, "entries.jsonl");
            int index = entries.FindIndex(line => line.Contains(subjectRef, StringComparison.Ordinal) && !line.Contains("\"kind\"", StringComparison.Ordinal));
            long seq = SeqOf(entries[index]);
            RemoveLine(bundle, "entries.jsonl", index);
            RemoveLine(bundle, "proofs.jsonl", index);
            RemoveLines(bundle, "inputs.jsonl", line => SeqOf(line) == seq);
            EditManifest(bundle, manifest =>
            {
                manifest["entryCount"] = manifest["entryCount"]!.GetValue<long>() - 1;
                manifest["inputCount"] = manifest["inputCount"]!.GetValue<long>() - 1;
            });

            CliResult verify = await VerifyAsync(temp, bundle);

            AssertFinding(verify, seq, "entry-deleted");
        }
    }

    [Fact]
    public async Task Tamper_ProofRemovedButManifestStillClaimsIt_IsCaught()
    {
        (TempLedger temp, string bundle, _) = await AliceBundleAsync();
        using (temp)
        {
            File.Delete(Path.Combine(bundle, "completeness.json"));

            CliResult verify = await VerifyAsync(temp, bundle);

            Assert.True(verify.ExitCode == 1, verify.ToString());
            Assert.Contains("manifest-mismatch", verify.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tamper_CountInTheProofLowered_IsCaughtAsHeadsMismatch()
    {
        (TempLedger temp, string bundle, _) = await AliceBundleAsync();
        using (temp)
        {
            EditJson(bundle, "completeness.json", proof => proof["upper"]!["head"]!["count"] = proof["upper"]!["head"]!["count"]!.GetValue<long>() - 1);

            CliResult verify = await VerifyAsync(temp, bundle);

            Assert.True(verify.ExitCode == 1, verify.ToString());
            Assert.Contains("heads-mismatch", verify.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tamper_MapProofSiblingChanged_IsCaughtAsHeadsMismatch()
    {
        (TempLedger temp, string bundle, _) = await AliceBundleAsync();
        using (temp)
        {
            EditJson(bundle, "completeness.json", proof =>
            {
                JsonArray siblings = proof["upper"]!["proof"]!["siblings"]!.AsArray();
                siblings.Add(Convert.ToBase64String(new byte[32]));
            });

            CliResult verify = await VerifyAsync(temp, bundle);

            Assert.True(verify.ExitCode == 1, verify.ToString());
            Assert.Contains("heads-mismatch", verify.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tamper_StaleProofFromAnEarlierCheckpoint_IsCaughtAsHeadsMissing()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("alice", "fraud"));
        string early = await ExportAsync(temp, "--subject", "alice");
        await RecordAsync(temp, ("alice", "fraud"));
        string late = await ExportAsync(temp, "--subject", "alice");
        File.Copy(Path.Combine(early, "completeness.json"), Path.Combine(late, "completeness.json"), overwrite: true);

        CliResult verify = await VerifyAsync(temp, late);

        Assert.True(verify.ExitCode == 1, verify.ToString());
        Assert.Contains("heads-missing", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tamper_HeadsEntryRootForged_IsCaughtAsContentChanged()
    {
        (TempLedger temp, string bundle, _) = await AliceBundleAsync();
        using (temp)
        {
            List<string> entries = ReadLines(bundle, "entries.jsonl");
            int index = entries.FindLastIndex(line => line.Contains("\"kind\":\"heads\"", StringComparison.Ordinal));
            JsonObject heads = JsonNode.Parse(entries[index])!.AsObject();
            heads["event"]!["root"] = Convert.ToBase64String(new byte[32]);
            entries[index] = heads.ToJsonString();
            File.WriteAllLines(Path.Combine(bundle, "entries.jsonl"), entries);

            CliResult verify = await VerifyAsync(temp, bundle);

            AssertFinding(verify, SeqOf(entries[index]), "content-changed");
        }
    }

    [Fact]
    public async Task Tamper_AnotherSubjectsProofAndMapping_AreRefusedForThisBundle()
    {
        using var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "fraud"));
        string alice = await ExportAsync(temp, "--subject", "alice");
        string bob = await ExportAsync(temp, "--subject", "bob");
        File.Copy(Path.Combine(bob, "completeness.json"), Path.Combine(alice, "completeness.json"), overwrite: true);

        CliResult verify = await VerifyAsync(temp, alice);

        Assert.True(verify.ExitCode == 1, verify.ToString());
        Assert.Contains("manifest-mismatch", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tamper_ChainEntriesReordered_IsCaught()
    {
        (TempLedger temp, string bundle, string subjectRef) = await AliceBundleAsync();
        using (temp)
        {
            List<string> entries = ReadLines(bundle, "entries.jsonl");
            List<int> chain = [.. Enumerable.Range(0, entries.Count).Where(i => entries[i].Contains(subjectRef, StringComparison.Ordinal) && !entries[i].Contains("\"kind\"", StringComparison.Ordinal))];
            (entries[chain[0]], entries[chain[1]]) = (entries[chain[1]], entries[chain[0]]);
            File.WriteAllLines(Path.Combine(bundle, "entries.jsonl"), entries);

            CliResult verify = await VerifyAsync(temp, bundle);

            Assert.True(verify.ExitCode == 1, verify.ToString());
            Assert.Contains("entries-reordered", verify.Out, StringComparison.Ordinal);
        }
    }

    private static async Task<(TempLedger Temp, string Bundle, string SubjectRef)> AliceBundleAsync()
    {
        var temp = new TempLedger();
        await InitV2Async(temp);
        await RecordAsync(temp, ("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"), ("alice", "fraud"), (null, "fraud"));
        string bundle = await ExportAsync(temp, "--subject", "alice");
        using JsonDocument mapping = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "subject.json")));
        return (temp, bundle, mapping.RootElement.GetProperty("ref").GetString()!);
    }

    private static async Task InitV2Async(TempLedger temp)
    {
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/complete", "--entry-format", "2", "--ledger", temp.Ledger);
        Assert.True(init.ExitCode == 0, init.ToString());
    }

    private static async Task RecordAsync(TempLedger temp, params (string? Subject, string Model)[] decisions)
    {
        var lines = new StringBuilder();
        foreach ((string? subject, string model) in decisions)
        {
            string subjectPart = subject is null ? string.Empty : $",\"subject\":{{\"id\":\"{subject}\"}}";
            lines.Append(CultureInfo.InvariantCulture, $"{{\"model\":{{\"name\":\"{model}\",\"version\":\"1.0\"}},\"input\":{{\"amount\":{lines.Length}}},\"output\":{{\"score\":0.5}}{subjectPart}}}\n");
        }

        CliResult record = await CliRun.RunWithInputAsync(lines.ToString(), null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
    }

    private static async Task<string> ExportAsync(TempLedger temp, params string[] filter)
    {
        string bundle = Path.Combine(temp.Root, "bundle-" + Guid.NewGuid().ToString("N"));
        CliResult export = await CliRun.RunAsync(["export", "--out", bundle, "--ledger", temp.Ledger, .. filter]);
        Assert.True(export.ExitCode == 0, export.ToString());
        return bundle;
    }

    private static async Task<CliResult> VerifyAsync(TempLedger temp, string bundle, params string[] extra)
    {
        CliResult key = await CliRun.RunAsync("key", "--ledger", temp.Ledger);
        Assert.True(key.ExitCode == 0, key.ToString());
        return await CliRun.RunAsync(["verify", "--bundle", bundle, "--key", key.Out.Trim(), .. extra]);
    }

    private static void AssertFinding(CliResult verify, long seq, string kind)
    {
        Assert.True(verify.ExitCode == 1, verify.ToString());
        Assert.Contains($"first bad seq {seq}: {kind}", verify.Out, StringComparison.Ordinal);
    }

    private static List<string> ReadLines(string bundle, string file) =>
        [.. File.ReadAllLines(Path.Combine(bundle, file)).Where(line => line.Length > 0)];

    private static long SeqOf(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("seq").GetInt64();
    }

    private static void RemoveLine(string bundle, string file, int index)
    {
        List<string> lines = ReadLines(bundle, file);
        lines.RemoveAt(index);
        File.WriteAllLines(Path.Combine(bundle, file), lines);
    }

    private static void RemoveLines(string bundle, string file, Func<string, bool> predicate) =>
        File.WriteAllLines(Path.Combine(bundle, file), ReadLines(bundle, file).Where(line => !predicate(line)));

    private static void EditManifest(string bundle, Action<JsonObject> edit) => EditJson(bundle, "manifest.json", edit);

    private static void EditJson(string bundle, string file, Action<JsonObject> edit)
    {
        string path = Path.Combine(bundle, file);
        JsonObject json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString() + "\n");
    }
}
