using System.Text.RegularExpressions;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>--store</c>, <c>--connection</c> and <c>--schema</c> appear once, and only on commands that open a ledger store.</summary>
public sealed class StoreOptionsHelpTests
{
    [Theory]
    [InlineData("sequence")]
    [InlineData("show")]
    [InlineData("verify")]
    [InlineData("serve")]
    [InlineData("report", "usage")]
    [InlineData("proof", "inclusion")]
    public async Task Help_StoreCommand_ListsEachStoreOptionOnce(params string[] command)
    {
        CliResult help = await CliRun.RunAsync([.. command, "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (string option in new[] { "--store", "--connection", "--schema" })
        {
            Assert.True(Listed(help.Out, option) == 1, $"{string.Join(' ', command)} --help lists {option} {Listed(help.Out, option)} times:\n{help.Out}");
        }
    }

    [Theory]
    [InlineData("key")]
    [InlineData("keys", "create")]
    [InlineData("redact")]
    [InlineData("access-log")]
    public async Task Help_CommandWithoutStore_ListsNoStoreOption(params string[] command)
    {
        CliResult help = await CliRun.RunAsync([.. command, "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Equal(0, Listed(help.Out, "--store"));
        Assert.Equal(0, Listed(help.Out, "--connection"));
        Assert.Equal(0, Listed(help.Out, "--schema"));
    }

    [Fact]
    public async Task Help_Migrate_ListsConnectionAndSchemaButNoStore()
    {
        CliResult help = await CliRun.RunAsync("migrate", "--help");

        Assert.Equal(1, Listed(help.Out, "--connection"));
        Assert.Equal(1, Listed(help.Out, "--schema"));
        Assert.Equal(0, Listed(help.Out, "--store"));
    }

    [Fact]
    public async Task Key_WithStoreOption_IsRefusedNotIgnored()
    {
        CliResult result = await CliRun.RunAsync("key", "--store", "postgres");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--store", result.Error, StringComparison.Ordinal);
    }

    // An option's row in the help's Options section starts with its name after the indent.
    private static int Listed(string help, string option) =>
        Regex.Matches(help, $@"^\s+{Regex.Escape(option)}\b", RegexOptions.Multiline).Count;
}
