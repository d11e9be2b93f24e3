using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class BundleVerifyTests(DemoBundles bundles) : IClassFixture<DemoBundles>
{
    [Fact]
    public async Task VerifyBundle_FullExportWithKeyOutput_PassesWithoutTheLedger()
    {
        // A --ledger that does not exist proves the ledger is never opened.
        string nowhere = Path.Combine(bundles.Root, "no-ledger-here");

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundles.Full, "--key", bundles.Key, "--ledger", nowhere);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"PASSED  {bundles.Full}", result.Out, StringComparison.Ordinal);
        Assert.Contains("40 entries", result.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(nowhere));
    }

    [Fact]
    public async Task VerifyBundle_KeyInAFile_Passes()
    {
        string keyFile = Path.Combine(bundles.Root, "trusted.vkey");
        await File.WriteAllTextAsync(keyFile, bundles.Key + "\n");

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundles.Filtered, "--key", keyFile);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task VerifyBundle_Json_PrintsThePassedReport()
    {
        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundles.Filtered, "--key", bundles.Key, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument report = JsonDocument.Parse(result.Out);
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(40, report.RootElement.GetProperty("treeSize").GetInt64());
        Assert.Equal(11, report.RootElement.GetProperty("entriesVerified").GetInt64());
        Assert.Equal(11, report.RootElement.GetProperty("inputsVerified").GetInt64());
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("firstFinding").ValueKind);
    }

    [Fact]
    public async Task VerifyBundle_FilteredEntryLineEdited_ExitsOneNamingSeqAndContentChanged()
    {
        string bundle = bundles.Copy(bundles.Filtered);
        (long seq, _) = EditLine(bundle, "entries.jsonl", 3, line => line.Replace("fraud_detector", "fraud_detectoR", StringComparison.Ordinal));

        AssertFinding(await VerifyAsync(bundle), seq, "content-changed");
    }

    [Fact]
    public async Task VerifyBundle_FullEntryLineEdited_ExitsOneWithContentChanged()
    {
        string bundle = bundles.Copy(bundles.Full);
        EditLine(bundle, "entries.jsonl", 17, line => line.Replace("fraud_detector", "fraud_detectoR", StringComparison.Ordinal));

        // A full bundle has one signed root and no per-entry proof, so only the range is known.
        CliResult result = await VerifyAsync(bundle);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(": content-changed", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_FullEntryLineDeleted_ExitsOneNamingSeqAndEntryDeleted()
    {
        string bundle = bundles.Copy(bundles.Full);
        DeleteLine(bundle, "entries.jsonl", 9);

        AssertFinding(await VerifyAsync(bundle), 9, "entry-deleted");
    }

    [Fact]
    public async Task VerifyBundle_FilteredEntryLineDeleted_ExitsOneNamingSeqAndEntryDeleted()
    {
        string bundle = bundles.Copy(bundles.Filtered);
        long seq = SeqOfLine(bundle, 4);
        DeleteLine(bundle, "entries.jsonl", 4);

        AssertFinding(await VerifyAsync(bundle), seq, "entry-deleted");
    }

    [Fact]
    public async Task VerifyBundle_ProofHashAltered_ExitsOneNamingSeqAndContentChanged()
    {
        string bundle = bundles.Copy(bundles.Filtered);
        long seq = SeqOfLine(bundle, 2);
        EditLine(bundle, "proofs.jsonl", 2, line =>
        {
            int at = line.IndexOf("\"hashes\":[\"", StringComparison.Ordinal) + "\"hashes\":[\"".Length;
            return line[..at] + (line[at] == 'A' ? 'B' : 'A') + line[(at + 1)..];
        });

        AssertFinding(await VerifyAsync(bundle), seq, "content-changed");
    }

    [Fact]
    public async Task VerifyBundle_CheckpointSignedByOtherKey_ExitsOneWithCheckpointForged()
    {
        using var other = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "40", "--ledger", other.Ledger)).ExitCode);
        string bundle = bundles.Copy(bundles.Full);
        await File.WriteAllTextAsync(Path.Combine(bundle, "checkpoint"), (await CliRun.RunAsync("checkpoint", "--ledger", other.Ledger)).Out);

        AssertFinding(await VerifyAsync(bundle), 0, "checkpoint-forged");
    }

    [Fact]
    public async Task VerifyBundle_InputAltered_ExitsOneNamingSeqAndInputAltered()
    {
        string bundle = bundles.Copy(bundles.Full);
        (long seq, _) = EditLine(bundle, "inputs.jsonl", 22, line =>
        {
            using JsonDocument row = JsonDocument.Parse(line);
            string input = row.RootElement.GetProperty("input").GetRawText();
            return line.Replace(input, "{\"amount\":1}", StringComparison.Ordinal);
        });

        AssertFinding(await VerifyAsync(bundle), seq, "input-altered");
    }

    [Fact]
    public async Task VerifyBundle_Tampered_JsonReportNamesSeqAndKind()
    {
        string bundle = bundles.Copy(bundles.Full);
        DeleteLine(bundle, "entries.jsonl", 9);

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundle, "--key", bundles.Key, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        using JsonDocument report = JsonDocument.Parse(result.Out);
        Assert.False(report.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(9, report.RootElement.GetProperty("firstFinding").GetProperty("seq").GetInt64());
        Assert.Equal("entry-deleted", report.RootElement.GetProperty("firstFinding").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task VerifyBundle_WrongKey_ExitsOneWithCheckpointForged()
    {
        using var other = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "decisionledger.demo/fraud", "--ledger", other.Ledger)).ExitCode);
        string otherKey = (await CliRun.RunAsync("key", "--ledger", other.Ledger)).Out.Trim();

        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundles.Full, "--key", otherKey);

        AssertFinding(result, 0, "checkpoint-forged");
    }

    [Fact]
    public async Task VerifyBundle_MissingDirectory_ExitsThreeNamingPath()
    {
        string missing = Path.Combine(bundles.Root, "no-such-bundle");

        CliResult result = await CliRun.RunAsync("verify", "--bundle", missing, "--key", bundles.Key);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_EntriesFileMissing_ExitsThreeNamingFile()
    {
        string bundle = bundles.Copy(bundles.Full);
        File.Delete(Path.Combine(bundle, "entries.jsonl"));

        CliResult result = await VerifyAsync(bundle);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("entries.jsonl", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_WithoutKey_ExitsTwoNamingKey()
    {
        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundles.Full);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--key", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("decisionledger.demo/fraud+zz+AAAA")]
    public async Task VerifyBundle_MalformedKey_ExitsTwoNamingKey(string key)
    {
        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundles.Full, "--key", key);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--key", result.Error, StringComparison.Ordinal);
    }

    private Task<CliResult> VerifyAsync(string bundle) => CliRun.RunAsync("verify", "--bundle", bundle, "--key", bundles.Key);

    private static void AssertFinding(CliResult result, long seq, string kind)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"first bad seq {seq}: {kind}", result.Out, StringComparison.Ordinal);
    }

    private static long SeqOfLine(string bundle, int index)
    {
        using JsonDocument entry = JsonDocument.Parse(File.ReadAllLines(Path.Combine(bundle, "entries.jsonl"))[index]);
        return entry.RootElement.GetProperty("seq").GetInt64();
    }

    /// <summary>Rewrites line <paramref name="index"/> of a bundle file; returns the seq that line belongs to.</summary>
    private static (long Seq, string Edited) EditLine(string bundle, string file, int index, Func<string, string> edit)
    {
        string path = Path.Combine(bundle, file);
        string[] lines = File.ReadAllLines(path);
        string edited = edit(lines[index]);
        Assert.NotEqual(lines[index], edited);
        long seq = file == "proofs.jsonl" ? SeqOfLine(bundle, index) : ReadSeq(lines[index]);
        lines[index] = edited;
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return (seq, edited);
    }

    private static void DeleteLine(string bundle, string file, int index)
    {
        string path = Path.Combine(bundle, file);
        List<string> lines = [.. File.ReadAllLines(path)];
        lines.RemoveAt(index);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    private static long ReadSeq(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("seq").GetInt64();
    }
}
