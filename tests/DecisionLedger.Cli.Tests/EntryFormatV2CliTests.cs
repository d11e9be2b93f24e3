using System.Text;
using System.Text.Json;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Entry format 2 through the CLI: <c>init --entry-format 2</c>, the config key every recorder honours, the switch of a
/// v1 ledger, and <c>erase</c> leaving no file of the ledger that links the person to any entry.
/// </summary>
public sealed class EntryFormatV2CliTests
{
    private const string SubjectId = "erin.v2-subject-7781@example.test";

    [Fact]
    public async Task Init_EntryFormat2_WritesTheKeyAndTheFirstRecorderWritesTheFormatEventAtSeqZero()
    {
        using var temp = new TempLedger();
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/v2", "--entry-format", "2", "--ledger", temp.Ledger, "--json");
        Assert.True(init.ExitCode == 0, init.ToString());
        using (JsonDocument json = JsonDocument.Parse(init.Out))
        {
            Assert.Equal(2, json.RootElement.GetProperty("entryFormat").GetInt32());
        }

        using (JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Ledger, "ledger.json"))))
        {
            Assert.Equal(2, config.RootElement.GetProperty("entryFormat").GetInt32());
        }

        CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(5), null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
        List<(string? Kind, int V)> entries = await ReadKindsAsync(temp);
        Assert.Equal(("format", 2), (entries[0].Kind, entries[0].V));
        Assert.All(entries, entry => Assert.Equal(2, entry.V));
        Assert.Equal("heads", entries[^1].Kind);
        await AssertVerifiesAsync(temp);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("0")]
    public async Task Init_UnknownEntryFormat_ExitsTwoNamingTheOptionAndCreatesNothing(string format)
    {
        using var temp = new TempLedger();
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/v2", "--entry-format", format, "--ledger", temp.Ledger);
        Assert.True(init.ExitCode == 2, init.ToString());
        Assert.Contains("--entry-format", init.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Ledger, "ledger.json")));
    }

    [Fact]
    public async Task Record_ConfigSwitchedToEntryFormat2_SwitchesTheV1LedgerOnceAndVerifies()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/v2", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(Some.DecisionLines(4), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);
        int v1Size = (await ReadKindsAsync(temp)).Count;

        string configPath = Path.Combine(temp.Ledger, "ledger.json");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"entryFormat\": 1", "\"entryFormat\": 2", StringComparison.Ordinal));
        for (int run = 0; run < 2; run++)
        {
            CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(3), null, "record", "-", "--ledger", temp.Ledger);
            Assert.True(record.ExitCode == 0, record.ToString());
        }

        List<(string? Kind, int V)> entries = await ReadKindsAsync(temp);
        Assert.Equal(("format", 2), (entries[v1Size].Kind, entries[v1Size].V));
        Assert.Single(entries, entry => entry.Kind == "format");
        Assert.All(entries.Take(v1Size), entry => Assert.Equal(1, entry.V));
        await AssertVerifiesAsync(temp);
    }

    [Fact]
    public async Task Open_ConfigWithUnknownEntryFormat_FailsNamingTheKey()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/v2", "--ledger", temp.Ledger)).ExitCode);
        string configPath = Path.Combine(temp.Ledger, "ledger.json");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"entryFormat\": 1", "\"entryFormat\": 7", StringComparison.Ordinal));
        CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(1), null, "record", "-", "--ledger", temp.Ledger);
        Assert.NotEqual(0, record.ExitCode);
        Assert.Contains("entryFormat", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erase_V2Ledger_NoFileOfTheLedgerDirectoryHoldsTheSubjectIdAndVerifyPasses()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/v2", "--entry-format", "2", "--ledger", temp.Ledger)).ExitCode);
        string about = "{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{\"amount\":5},\"output\":{\"label\":\"x\"},\"subject\":{\"id\":\"" + SubjectId + "\"}}\n";
        CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(6) + about + Some.DecisionLines(2) + about, null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
        Assert.DoesNotContain(SubjectId, record.Error, StringComparison.Ordinal);
        Assert.True(LedgerFilesContaining(temp, SubjectId).Count > 0, "the mapping row must hold the id before erasure, or the test proves nothing");

        CliResult erase = await CliRun.RunAsync("erase", "--subject", SubjectId, "--reason", "GDPR Art. 17 request", "--by", "dpo", "--ledger", temp.Ledger, "--json");
        Assert.True(erase.ExitCode == 0, erase.ToString());
        Assert.DoesNotContain(SubjectId, erase.Error, StringComparison.Ordinal);
        using (JsonDocument json = JsonDocument.Parse(erase.Out))
        {
            Assert.Equal(2, json.RootElement.GetProperty("decisionsErased").GetInt64());
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.Empty(LedgerFilesContaining(temp, SubjectId));
        await AssertVerifiesAsync(temp);
        Assert.Empty(LedgerFilesContaining(temp, SubjectId));
    }

    private static async Task AssertVerifiesAsync(TempLedger temp)
    {
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    private static async Task<List<(string? Kind, int V)>> ReadKindsAsync(TempLedger temp)
    {
        var kinds = new List<(string?, int)>();
        await using var store = new SqliteLedgerStore(temp.Database, new SqliteLedgerStoreOptions { ReadOnly = true });
        await store.OpenAsync();
        await foreach (StoredEntry entry in store.ReadEntriesAsync(0, await store.GetSizeAsync()))
        {
            using JsonDocument json = JsonDocument.Parse(entry.CanonicalBytes);
            string? kind = json.RootElement.TryGetProperty("kind", out JsonElement k) ? k.GetString() : null;
            kinds.Add((kind, json.RootElement.GetProperty("v").GetInt32()));
        }

        return kinds;
    }

    // Every file under the ledger directory (database, WAL, shared memory, keys, config, anything a command left there).
    private static List<string> LedgerFilesContaining(TempLedger temp, string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        var found = new List<string>();
        foreach (string path in Directory.EnumerateFiles(temp.Ledger, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
            {
                found.Add(path);
            }
        }

        return found;
    }
}
