namespace DecisionLedger.Cli.Tests;

/// <summary>A stored input deleted without an erasure event is tampering; one an erasure covers is not.</summary>
public sealed class MissingInputTests
{
    [Fact]
    public async Task Verify_StoredInputDeletedWithoutErasure_ReportsInputMissing()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp);
        SqliteTamper.Execute(temp, "DELETE FROM inputs WHERE seq = 14;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, 14, "input-missing");
    }

    [Fact]
    public async Task Verify_InputsDeletedByErase_Passes_ButAnotherDeletedInputOfSameSubjectAfterIt_IsReported()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp);
        string subject = (string)SqliteTamper.Scalar(temp, "SELECT subject_id FROM entries WHERE subject_id IS NOT NULL ORDER BY seq LIMIT 1;")!;
        CliResult erase = await CliRun.RunAsync("erase", "--subject", subject, "--reason", "test", "--ledger", temp.Ledger);
        Assert.True(erase.ExitCode == 0, erase.ToString());
        CliResult erased = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(erased.ExitCode == 0, erased.ToString());

        // Deleting an input of another subject, which no erasure names, is still caught.
        long other = (long)SqliteTamper.Scalar(temp, $"SELECT min(i.seq) FROM inputs i JOIN entries e ON e.seq = i.seq WHERE e.subject_id IS NOT '{subject}';")!;
        SqliteTamper.Execute(temp, $"DELETE FROM inputs WHERE seq = {other};");
        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        SqliteTamper.AssertFinding(result, other, "input-missing");
    }
}
