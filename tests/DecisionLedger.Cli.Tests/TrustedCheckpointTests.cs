namespace DecisionLedger.Cli.Tests;

/// <summary>verify --trusted: an auditor's kept checkpoint catches a rollback that deleted the newer checkpoints too.</summary>
public sealed class TrustedCheckpointTests
{
    [Fact]
    public async Task Verify_RolledBackBelowTrustedCheckpoint_ReportsLedgerRolledBack()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 40);
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "20", "--ledger", temp.Ledger)).ExitCode);
        string kept = (await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger)).Out;
        string keptFile = Path.Combine(temp.Root, "kept.checkpoint");
        await File.WriteAllTextAsync(keptFile, kept);

        // Roll back to the checkpoint at 40: the newer entries, their inputs and checkpoints go.
        SqliteTamper.Execute(temp, "DELETE FROM entries WHERE seq >= 40; DELETE FROM inputs WHERE seq >= 40; DELETE FROM checkpoints WHERE tree_size > 40; DELETE FROM entry_index WHERE seq >= 40; UPDATE index_state SET watermark = min(watermark, 40);");
        CliResult unaware = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(unaware.ExitCode == 0, "Without a kept checkpoint the rollback is invisible: " + unaware);

        SqliteTamper.AssertFinding(await CliRun.RunAsync("verify", "--trusted-file", keptFile, "--ledger", temp.Ledger), 40, "ledger-rolled-back");
        SqliteTamper.AssertFinding(await CliRun.RunAsync("verify", "--trusted", kept, "--ledger", temp.Ledger), 40, "ledger-rolled-back");
    }

    [Fact]
    public async Task Verify_LedgerExtendsTrustedCheckpoint_Passes()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 40);
        string kept = (await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger)).Out;
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "20", "--ledger", temp.Ledger)).ExitCode);

        CliResult result = await CliRun.RunAsync("verify", "--trusted", kept, "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Verify_TrustedCheckpointOfAnotherLedger_IsBadInputNamingTheOption()
    {
        using var temp = new TempLedger();
        using var other = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, 10);
        await SqliteTamper.CreateDemoAsync(other, 10);
        string foreign = (await CliRun.RunAsync("checkpoint", "--ledger", other.Ledger)).Out;

        CliResult result = await CliRun.RunAsync("verify", "--trusted", foreign, "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--trusted", result.Error, StringComparison.Ordinal);
    }
}
