using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Sqlite;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// An entry appended straight into the database after a clean close, with a correct leaf hash and
/// matching columns: only the missing checkpoint gives it away. A crash leaves such a tail
/// legitimately, so it is tampering only when the ledger was closed cleanly.
/// </summary>
public sealed class UncoveredTailTests
{
    private const int Recorded = 40;

    [Fact]
    public async Task Verify_EntryForgedAfterCleanClose_ExitsOneWithEntryUncovered()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);
        ForgeAppendedEntry(temp);

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, Recorded, "entry-uncovered");
    }

    [Fact]
    public async Task VerifyJson_EntryForgedAfterCleanClose_NamesKindAndSeq()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);
        ForgeAppendedEntry(temp);

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("\"kind\":\"entry-uncovered\"", result.Out.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains($"\"seq\":{Recorded}", result.Out.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckpointNew_EntryForgedAfterCleanClose_RefusesAndSignsNothing()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);
        ForgeAppendedEntry(temp);

        CliResult result = await CliRun.RunAsync("checkpoint", "--new", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"from seq {Recorded} on", result.Error, StringComparison.Ordinal);
        Assert.Contains("--accept-uncovered-tail", result.Error, StringComparison.Ordinal);
        Assert.Equal((long)Recorded, NewestCheckpointSize(temp));
        SqliteTamper.AssertFinding(await CliRun.RunAsync("verify", "--ledger", temp.Ledger), Recorded, "entry-uncovered");
    }

    [Fact]
    public async Task Record_EntryForgedAfterCleanClose_RefusesToOpen()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);
        ForgeAppendedEntry(temp);

        CliResult result = await CliRun.RunWithInputAsync(Some.DecisionLines(3), null, "record", "-", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("entry-uncovered", result.Error, StringComparison.Ordinal);
        Assert.Equal((long)Recorded + 1, EntryCount(temp));
    }

    [Fact]
    public async Task CheckpointNewAcceptUncoveredTail_EntryForgedAfterCleanClose_WarnsAndSigns()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);
        ForgeAppendedEntry(temp);

        CliResult result = await CliRun.RunAsync("checkpoint", "--new", "--accept-uncovered-tail", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("WARNING: --accept-uncovered-tail", result.Error, StringComparison.Ordinal);
        Assert.Contains($"from seq {Recorded} on", result.Error, StringComparison.Ordinal);
        Assert.Equal((long)Recorded + 1, NewestCheckpointSize(temp));
        CliResult verified = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verified.ExitCode == 0, verified.ToString());
    }

    [Fact]
    public async Task CheckpointAcceptUncoveredTail_WithoutNew_IsBadInput()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);

        CliResult result = await CliRun.RunAsync("checkpoint", "--accept-uncovered-tail", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--accept-uncovered-tail: only meaningful with --new", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CleanClose_CoversEveryEntryAndRecordsTheFact()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);

        Assert.Equal((long)Recorded, NewestCheckpointSize(temp));
        Assert.Equal((long)Recorded, SqliteTamper.Scalar(temp, "SELECT tree_size FROM clean_close WHERE id = 0;"));
    }

    [Fact]
    public async Task Crash_LeavesUncoveredTail_VerifyPassesWithNoteAndNextOpenCoversIt()
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);
        LedgerDirectory directory = LedgerDirectory.Open(temp.Ledger);

        // A recorder that commits three decisions and dies before any checkpoint: a checkpoint is
        // due only after 10,000 entries or an hour, and the recorder is never disposed.
        var options = new LedgerOptions { Origin = directory.Config.Origin, CheckpointInterval = TimeSpan.FromHours(1), CheckpointMinInterval = TimeSpan.FromHours(1) };
        var crashed = new SqliteLedgerStore(directory.DatabasePath);
        DecisionRecorder abandoned = await DecisionRecorder.StartAsync(crashed, directory.Signer, directory.CreateFingerprinter(), options);
        for (int i = 0; i < 3; i++)
        {
            await abandoned.RecordAsync(DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Some.DecisionJson(1000 + i))));
        }

        await crashed.DisposeAsync();
        Assert.Equal((long)Recorded, NewestCheckpointSize(temp));
        Assert.Equal((long)Recorded + 3, EntryCount(temp));

        CliResult verified = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains($"note: 3 entries from seq {Recorded} on are not yet covered", verified.Out, StringComparison.Ordinal);

        CliResult checkpoint = await CliRun.RunAsync("checkpoint", "--new", "--ledger", temp.Ledger);
        Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
        Assert.Equal((long)Recorded + 3, NewestCheckpointSize(temp));
        CliResult after = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.DoesNotContain("note:", after.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crash_ForgedEntryBesideCrashTail_IsNotCaught_ResidualRiskOfDeletedMarker()
    {
        // Documents the limit: deleting the clean-close row makes a forged tail look like a crash's.
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);
        ForgeAppendedEntry(temp);
        SqliteTamper.Execute(temp, "DELETE FROM clean_close;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"note: 1 entry from seq {Recorded} on is not yet covered", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CleanCloseBeyondNewestCheckpointRead_IsANoteNotTampering()
    {
        // What verify sees when the recorder beside it stops after verify read the checkpoints: the
        // clean close is at a size past them, so the tail it saw was covered meanwhile.
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, Recorded);
        ForgeAppendedEntry(temp);
        SqliteTamper.Execute(temp, $"UPDATE clean_close SET tree_size = {Recorded + 1};");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"note: 1 entry from seq {Recorded} on is not yet covered", result.Out, StringComparison.Ordinal);
    }

    /// <summary>Appends a copy of the last entry as seq <see cref="Recorded"/>: new request id, correct leaf hash, every column and its input consistent.</summary>
    private static void ForgeAppendedEntry(TempLedger temp)
    {
        const long source = Recorded - 1;
        string body = Encoding.UTF8.GetString((byte[])SqliteTamper.Scalar(temp, $"SELECT body FROM entries WHERE seq = {source};")!);
        string requestId = (string)SqliteTamper.Scalar(temp, $"SELECT request_id FROM entries WHERE seq = {source};")!;
        string forgedId = "forged-" + requestId;
        string forgedBody = body
            .Replace(requestId, forgedId, StringComparison.Ordinal)
            .Replace($"\"seq\":{source},", $"\"seq\":{Recorded},", StringComparison.Ordinal);
        Assert.Contains($"\"seq\":{Recorded},", forgedBody, StringComparison.Ordinal);
        byte[] forged = Encoding.UTF8.GetBytes(forgedBody);
        byte[] leaf = SHA256.HashData([0, .. forged]);
        SqliteTamper.Execute(
            temp,
            $"""
            INSERT INTO entries(seq, request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, fingerprint_key, kind, leaf_hash, body)
                SELECT {Recorded}, $id, ts, model, version, user_id, tenant, subject_id, fingerprint, fingerprint_key, kind, $leaf, $body FROM entries WHERE seq = {source};
            INSERT INTO inputs(seq, salt, input) SELECT {Recorded}, salt, input FROM inputs WHERE seq = {source};
            """,
            ("$id", forgedId),
            ("$leaf", leaf),
            ("$body", forged));
    }

    private static long NewestCheckpointSize(TempLedger temp) =>
        (long)SqliteTamper.Scalar(temp, "SELECT max(tree_size) FROM checkpoints;")!;

    private static long EntryCount(TempLedger temp) =>
        (long)SqliteTamper.Scalar(temp, "SELECT count(*) FROM entries;")!;
}
