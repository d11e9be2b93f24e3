using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Cli.Tests;

public sealed class ExportTests(DemoBundles bundles) : IClassFixture<DemoBundles>
{
    [Fact]
    public void Export_Full_WritesDesignBundleFilesWithoutProofs()
    {
        string[] files = [.. Directory.EnumerateFiles(bundles.Full).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["checkpoint", "entries.jsonl", "inputs.jsonl", "key.vkey", "manifest.json"], files);
        Assert.Equal(40, File.ReadAllLines(Path.Combine(bundles.Full, "entries.jsonl")).Length);
    }

    [Fact]
    public async Task Export_Full_CheckpointAndKeyAreTheLedgers()
    {
        CliResult checkpoint = await CliRun.RunAsync("checkpoint", "--ledger", bundles.Ledger);
        Assert.Equal(checkpoint.Out, File.ReadAllText(Path.Combine(bundles.Full, "checkpoint")));
        Assert.Equal(bundles.Key + "\n", File.ReadAllText(Path.Combine(bundles.Full, "key.vkey")));
    }

    [Fact]
    public async Task Export_Full_EntryLinesAreCanonicalBytesInSeqOrderWithTheLedgersLeafHashes()
    {
        byte[][] lines = ReadLines(Path.Combine(bundles.Full, "entries.jsonl"));
        for (int seq = 0; seq < lines.Length; seq++)
        {
            Assert.Equal(JsonCanonicalizer.Canonicalize(lines[seq]), lines[seq]);
            using JsonDocument entry = JsonDocument.Parse(lines[seq]);
            Assert.Equal(seq, entry.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal(1, entry.RootElement.GetProperty("v").GetInt32());
        }

        foreach (int seq in new[] { 0, 17, 39 })
        {
            using JsonDocument proof = JsonDocument.Parse((await CliRun.RunAsync("proof", "inclusion", "--seq", seq.ToString(CultureInfo.InvariantCulture), "--ledger", bundles.Ledger)).Out);
            Assert.Equal(proof.RootElement.GetProperty("leafHash").GetString(), LeafHash(lines[seq]));
        }
    }

    [Fact]
    public void Export_Full_InputRowsHaveSeqSaltAndInputMatchingEachEntrysDigest()
    {
        byte[][] entries = ReadLines(Path.Combine(bundles.Full, "entries.jsonl"));
        byte[][] inputs = ReadLines(Path.Combine(bundles.Full, "inputs.jsonl"));
        Assert.Equal(entries.Length, inputs.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            using JsonDocument row = JsonDocument.Parse(inputs[i]);
            Assert.Equal(["seq", "salt", "input"], row.RootElement.EnumerateObject().Select(p => p.Name));
            long seq = row.RootElement.GetProperty("seq").GetInt64();
            byte[] salt = Convert.FromBase64String(row.RootElement.GetProperty("salt").GetString()!);
            Assert.Equal(16, salt.Length);
            Assert.Equal(JsonValueKind.Object, row.RootElement.GetProperty("input").ValueKind);

            using JsonDocument entry = JsonDocument.Parse(entries[seq]);
            byte[] committed = [.. salt, .. JsonCanonicalizer.Canonicalize(row.RootElement.GetProperty("input"))];
            Assert.Equal(entry.RootElement.GetProperty("inputDigest").GetString(), Convert.ToHexStringLower(SHA256.HashData(committed)));
        }
    }

    [Fact]
    public void Export_Full_ManifestHasOriginTreeSizeFiltersCreatedAtToolVersion()
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundles.Full, "manifest.json")));
        JsonElement root = manifest.RootElement;
        Assert.Equal(bundles.Key[..bundles.Key.IndexOf('+', StringComparison.Ordinal)], root.GetProperty("origin").GetString());
        Assert.Equal(40, root.GetProperty("treeSize").GetInt64());
        Assert.Empty(root.GetProperty("filters").EnumerateObject());
        DateTimeOffset createdAt = DateTimeOffset.Parse(root.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - createdAt, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Assert.EndsWith("Z", root.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("dledger ", root.GetProperty("toolVersion").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--model", "fraud_detector", 40)]
    [InlineData("--version", "3.2.1", 11)]
    public Task Export_Filtered_WritesOneProofPerEntryAndVerifies(string option, string value, int expected) =>
        ExportFilteredAndCheckAsync(option, value, expected);

    [Fact]
    public Task Export_FilteredBySubject_WritesOneProofPerEntryAndVerifies()
    {
        byte[][] all = ReadLines(Path.Combine(bundles.Full, "entries.jsonl"));
        string subject = SubjectOf(all[5]);
        int expected = all.Count(line => SubjectOf(line) == subject);
        return ExportFilteredAndCheckAsync("--subject", subject, expected);
    }

    private async Task ExportFilteredAndCheckAsync(string option, string value, int expected)
    {
        string output = Path.Combine(bundles.Root, "filtered-" + Path.GetRandomFileName());
        CliResult export = await CliRun.RunAsync("export", "--out", output, option, value, "--ledger", bundles.Ledger);
        Assert.True(export.ExitCode == 0, export.ToString());

        byte[][] entries = ReadLines(Path.Combine(output, "entries.jsonl"));
        string[] proofs = File.ReadAllLines(Path.Combine(output, "proofs.jsonl"));
        Assert.Equal(expected, entries.Length);

        Assert.Equal(entries.Length, proofs.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            using JsonDocument entry = JsonDocument.Parse(entries[i]);
            string seq = entry.RootElement.GetProperty("seq").GetInt64().ToString(CultureInfo.InvariantCulture);
            CliResult inclusion = await CliRun.RunAsync("proof", "inclusion", "--seq", seq, "--ledger", bundles.Ledger);
            Assert.Equal(inclusion.Out.TrimEnd('\n'), proofs[i]);
            using JsonDocument proof = JsonDocument.Parse(proofs[i]);
            Assert.Equal(LeafHash(entries[i]), proof.RootElement.GetProperty("leafHash").GetString());
        }

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "manifest.json")));
        Assert.Equal(value, Assert.Single(manifest.RootElement.GetProperty("filters").EnumerateObject()).Value.GetString());

        CliResult verify = await CliRun.RunAsync("verify", "--bundle", output, "--key", bundles.Key);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Export_Json_PrintsTheManifest()
    {
        string output = Path.Combine(bundles.Root, "json-" + Path.GetRandomFileName());
        CliResult export = await CliRun.RunAsync("export", "--out", output, "--tenant", "emea", "--json", "--ledger", bundles.Ledger);
        Assert.True(export.ExitCode == 0, export.ToString());

        using JsonDocument printed = JsonDocument.Parse(export.Out);
        using JsonDocument written = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "manifest.json")));
        Assert.Single(export.Out.TrimEnd('\n').Split('\n'));
        Assert.True(JsonElement.DeepEquals(written.RootElement, printed.RootElement), export.Out);
        Assert.Equal("emea", printed.RootElement.GetProperty("filters").GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task Export_IntoDirectoryHoldingABundle_ExitsTwoAndLeavesItUnchanged()
    {
        string copy = bundles.Copy(bundles.Filtered);
        byte[] before = File.ReadAllBytes(Path.Combine(copy, "entries.jsonl"));

        CliResult result = await CliRun.RunAsync("export", "--out", copy, "--ledger", bundles.Ledger);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("already holds an evidence bundle", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(copy, "entries.jsonl")));
    }

    [Fact]
    public async Task Export_IntoExistingEmptyDirectory_Succeeds()
    {
        string output = Path.Combine(bundles.Root, "empty-" + Path.GetRandomFileName());
        Directory.CreateDirectory(output);

        CliResult result = await CliRun.RunAsync("export", "--out", output, "--ledger", bundles.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(output, "manifest.json")));
    }

    [Fact]
    public async Task Export_EmptyLedger_ExitsTwoSayingRecordDecisionsFirst_NotCheckpointNew()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        string output = Path.Combine(temp.Root, "bundle");

        CliResult result = await CliRun.RunAsync("export", "--out", output, "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 2, result.ToString());
        // 'checkpoint --new' refuses an empty ledger too: the hint must name the step that helps.
        Assert.Contains("holds no decisions yet", result.Error, StringComparison.Ordinal);
        Assert.Contains("record decisions first", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("checkpoint --new", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Export_Where_SelectsExactlyWhatQueryShowsWithProofsAndVerifies()
    {
        string[] where = ["--where", "output.label = \"fraud\""];
        CliResult query = await CliRun.RunAsync(["query", "--model", "fraud_detector", .. where, "--limit", "1000", "--json", "--ledger", bundles.Ledger]);
        Assert.True(query.ExitCode == 0, query.ToString());
        using JsonDocument page = JsonDocument.Parse(query.Out);
        long[] expected = [.. page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).Order()];
        Assert.NotEmpty(expected);
        string output = Path.Combine(bundles.Root, "where-" + Path.GetRandomFileName());

        CliResult export = await CliRun.RunAsync(["export", "--out", output, "--model", "fraud_detector", .. where, "--ledger", bundles.Ledger]);

        Assert.True(export.ExitCode == 0, export.ToString());
        byte[][] entries = ReadLines(Path.Combine(output, "entries.jsonl"));
        Assert.Equal(expected, entries.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("seq").GetInt64()));
        Assert.Equal(entries.Length, File.ReadAllLines(Path.Combine(output, "proofs.jsonl")).Length);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "manifest.json")));
        Assert.Equal("output.label = \"fraud\"", manifest.RootElement.GetProperty("filters").GetProperty("where").GetString());
        Assert.False(manifest.RootElement.GetProperty("full").GetBoolean());
        CliResult verify = await CliRun.RunAsync("verify", "--bundle", output, "--key", bundles.Key);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Export_WhereOnInputField_SelectsByTheStoredInput()
    {
        string output = Path.Combine(bundles.Root, "where-input-" + Path.GetRandomFileName());

        CliResult export = await CliRun.RunAsync("export", "--out", output, "--where", "input.amount > 100", "--ledger", bundles.Ledger);

        Assert.True(export.ExitCode == 0, export.ToString());
        byte[][] inputs = ReadLines(Path.Combine(output, "inputs.jsonl"));
        Assert.NotEmpty(inputs);
        Assert.All(inputs, line => Assert.True(JsonDocument.Parse(line).RootElement.GetProperty("input").GetProperty("amount").GetDouble() > 100));
        Assert.True(ReadLines(Path.Combine(output, "entries.jsonl")).Length < 40);
    }

    [Theory]
    [InlineData("output.lable = \"fraud\"", "unknown field \"output.lable\"")]
    [InlineData("output.score => 0.9", "expected an operator")]
    public async Task Export_BadWhere_ExitsTwoNamingTheProblemAndWritesNothing(string where, string message)
    {
        string output = Path.Combine(bundles.Root, "bad-where-" + Path.GetRandomFileName());

        CliResult export = await CliRun.RunAsync("export", "--out", output, "--where", where, "--ledger", bundles.Ledger);

        Assert.True(export.ExitCode == 2, export.ToString());
        Assert.Contains("--where", export.Error, StringComparison.Ordinal);
        Assert.Contains(message, export.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    private static byte[][] ReadLines(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal((byte)'\n', bytes[^1]);
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        return [.. lines];
    }

    private static string SubjectOf(byte[] line)
    {
        using JsonDocument entry = JsonDocument.Parse(line);
        return entry.RootElement.GetProperty("subject").GetProperty("id").GetString()!;
    }

    private static string LeafHash(byte[] line) => Convert.ToBase64String(SHA256.HashData([0x00, .. line]));
}
