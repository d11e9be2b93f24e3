using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

public sealed class IndexCommandTests
{
    [Fact]
    public async Task Index_AddListQueryDrop_ChangesOnlyWhichRowsAreRead()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "60", "--ledger", temp.Ledger)).ExitCode);
        string[] query = ["query", "--ledger", temp.Ledger, "--where", "output.label = \"fraud\"", "--limit", "1000", "--json"];
        CliResult before = await CliRun.RunAsync(query);
        Assert.True(before.ExitCode == 0, before.ToString());

        CliResult added = await CliRun.RunAsync("index", "add", "output.label", "--ledger", temp.Ledger);
        CliResult again = await CliRun.RunAsync("index", "add", "output.label", "--ledger", temp.Ledger, "--json");
        CliResult listed = await CliRun.RunAsync("index", "list", "--ledger", temp.Ledger, "--json");
        CliResult after = await CliRun.RunAsync(query);
        CliResult dropped = await CliRun.RunAsync("index", "drop", "output.label", "--ledger", temp.Ledger);
        CliResult empty = await CliRun.RunAsync("index", "list", "--ledger", temp.Ledger);

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal("indexed output.label", added.Out.Trim());
        Assert.Equal("""{"path":"output.label","created":false}""", again.Out.Trim());
        Assert.Equal(["output.label"], JsonDocument.Parse(listed.Out).RootElement.GetProperty("indexedPaths").EnumerateArray().Select(p => p.GetString()));
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal(before.Out, after.Out);
        Assert.Equal("dropped the index of output.label", dropped.Out.Trim());
        Assert.Equal("no indexed field paths", empty.Out.Trim());
    }

    [Fact]
    public async Task Index_UnknownOrMalformedPath_ExitsTwoNamingThePath()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "10", "--ledger", temp.Ledger)).ExitCode);

        CliResult unknown = await CliRun.RunAsync("index", "add", "output.lable", "--ledger", temp.Ledger);
        CliResult malformed = await CliRun.RunAsync("index", "add", "output..label", "--ledger", temp.Ledger);

        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("dledger: field path \"output.lable\": no entry of this ledger holds it", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, malformed.ExitCode);
        Assert.StartsWith("dledger: field path \"output..label\":", malformed.Error, StringComparison.Ordinal);
    }
}
