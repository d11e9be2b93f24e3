namespace DecisionLedger.Packaging.Tests;

/// <summary>`dotnet tool install dledger` from the feed gives a working command, as a team would get it.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ToolPackageTests(PackageFeedFixture feed)
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task InstalledTool_RunsTheDemo_AndTheLedgerVerifies()
    {
        string dledger = await feed.InstalledToolAsync();
        string work = feed.NewDirectory("tool");
        string ledger = Path.Combine(work, "ledger");

        ProcessResult version = await ChildProcess.RunAsync(dledger, work, s_commandTimeout, null, "--version");
        Assert.True(version.Succeeded, version.ToString());
        Assert.StartsWith(RepositoryLayout.Version, version.Output.Trim(), StringComparison.Ordinal);

        ProcessResult demo = await ChildProcess.RunAsync(dledger, work, s_commandTimeout, null, "demo", "--ledger", ledger);
        Assert.True(demo.Succeeded, demo.ToString());

        ProcessResult verify = await ChildProcess.RunAsync(dledger, work, s_commandTimeout, null, "verify", "--ledger", ledger);
        Assert.True(verify.Succeeded, verify.ToString());
    }
}
