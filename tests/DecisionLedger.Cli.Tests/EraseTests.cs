using System.Text;
using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class EraseTests
{
    private const string Secret = "Qwertz-Unique-Erasure-Marker-2026";

    [Fact]
    public async Task Erase_RecordedSubject_RemovesInputBytesAndVerifyStillPasses()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp);
        Assert.True(DatabaseFilesContain(temp, Secret), "the test must see the secret before erasing, or it proves nothing");

        CliResult erase = await CliRun.RunAsync("erase", "--subject", "customer-secret", "--reason", "GDPR Art. 17 request", "--by", "dpo", "--ledger", temp.Ledger, "--json");
        Assert.True(erase.ExitCode == 0, erase.ToString());
        using JsonDocument json = JsonDocument.Parse(erase.Out);
        Assert.Equal(2, json.RootElement.GetProperty("decisionsErased").GetInt64());
        Assert.Equal(12, json.RootElement.GetProperty("erasureSeq").GetInt64());

        Assert.False(DatabaseFilesContain(temp, Secret), "the erased input's bytes are still in a database file");
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verify.ExitCode == 0, verify.ToString());

        CliResult show = await CliRun.RunAsync("show", "--seq", "10", "--ledger", temp.Ledger);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("input erased (seq 12)", show.Out, StringComparison.Ordinal);

        CliResult showEvent = await CliRun.RunAsync("show", "--seq", "12", "--ledger", temp.Ledger);
        Assert.True(showEvent.ExitCode == 0, showEvent.ToString());
        Assert.Contains("\"decisionsErased\": 2", showEvent.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erase_SameSubjectTwice_SecondExitsTwoNamingFirstErasure()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp);
        CliResult first = await CliRun.RunAsync("erase", "--subject", "customer-secret", "--reason", "r", "--by", "dpo", "--ledger", temp.Ledger);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("2 decisions", first.Out, StringComparison.Ordinal);

        CliResult second = await CliRun.RunAsync("erase", "--subject", "customer-secret", "--reason", "r", "--by", "dpo", "--ledger", temp.Ledger);
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("already erased (erasure entry seq 12)", second.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--subject|nobody|--reason|r|--by|dpo", "'nobody'")]
    [InlineData("--subject|customer-secret|--reason| |--by|dpo", "--reason")]
    [InlineData("--subject|customer-secret|--by|dpo", "--reason")]
    public async Task Erase_BadArguments_ExitsTwo(string arguments, string named)
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp);
        CliResult result = await CliRun.RunAsync(["erase", .. arguments.Split('|'), "--ledger", temp.Ledger]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json");
        using JsonDocument json = JsonDocument.Parse(verify.Out);
        Assert.Equal(12, json.RootElement.GetProperty("treeSize").GetInt64());
    }

    private static async Task InitAndRecordAsync(TempLedger temp)
    {
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/erase", "--ledger", temp.Ledger);
        Assert.True(init.ExitCode == 0, init.ToString());
        string secret = "{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{\"note\":\"" + Secret + "\"},\"output\":{\"label\":\"x\"},\"subject\":{\"id\":\"customer-secret\"}}\n";
        CliResult record = await CliRun.RunWithInputAsync(Some.DecisionLines(10) + secret + secret, null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
    }

    private static bool DatabaseFilesContain(TempLedger temp, string text)
    {
        byte[] needle = Encoding.UTF8.GetBytes(text);
        foreach (string suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            string path = temp.Database + suffix;
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
