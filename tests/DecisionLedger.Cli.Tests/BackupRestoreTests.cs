using System.Text;
using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Sqlite;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>dledger backup</c> and <c>dledger restore</c>: a consistent copy taken while recording, restored, verified and continued.</summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task Backup_WhileRecorderAppends_RestoredLedgerVerifiesAndNextCheckpointIsConsistent()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        string archive = Path.Combine(temp.Root, "ledger.backup");

        long appended = 0;
        long appendedWhenBackupEnded;
        JsonElement backup;
        string[] originalNotes;
        await using (LedgerSession session = await LedgerSession.OpenAsync(temp.Ledger, forWrite: true, (path, readOnly) => new SqliteLedgerStore(path), openStore: true, CancellationToken.None))
        {
            DecisionRecorder recorder = await session.StartRecorderAsync(TimeProvider.System, CancellationToken.None);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();
            Task appender = Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    // Checkpoints are rate-limited (LedgerOptions.CheckpointMinInterval), so 200 quick commits may all
                    // still be uncovered: the 200th asks for its proof, whose receipt comes once a signed checkpoint
                    // covering it is durable. The backup starts after that signal, so it holds a checkpoint.
                    bool signal = i == 199;
                    RecordReceipt receipt = await recorder.RecordAsync(DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Some.DecisionJson(i))), includeProof: signal);
                    Interlocked.Increment(ref appended);
                    if (signal)
                    {
                        if (receipt.Checkpoint is null)
                        {
                            started.SetException(new InvalidOperationException("the receipt asked with includeProof carries no checkpoint"));
                            return;
                        }

                        started.SetResult();
                    }
                }
            });

            await started.Task;
            CliResult result = await CliRun.RunAsync("backup", "--out", archive, "--ledger", temp.Ledger, "--json");
            appendedWhenBackupEnded = Interlocked.Read(ref appended);
            await stop.CancelAsync();
            await appender;
            Assert.True(result.ExitCode == 0, result.ToString());
            backup = JsonDocument.Parse(result.Out).RootElement.Clone();
            Assert.True(appendedWhenBackupEnded >= 200);
            await recorder.DisposeAsync();
            originalNotes = await session.Store.ReadCheckpointsAsync().Select(c => c.SignedNote).ToArrayAsync();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(archive));
        long backedUp = backup.GetProperty("entries").GetInt64();
        Assert.InRange(backedUp, 200, appendedWhenBackupEnded);

        string restored = Path.Combine(temp.Root, "restored");
        CliResult restore = await CliRun.RunAsync("restore", "--from", archive, "--ledger", restored);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", restored);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"tree size {backedUp},", verify.Out, StringComparison.Ordinal);

        // The last checkpoint the backup holds was signed by the original ledger before the backup.
        (long fromSize, Sha256Hash fromRoot, string fromNote) = await ReadCheckpointAsync(restored);
        Assert.Contains(fromNote, originalNotes);

        // Recording on the restored ledger signs a checkpoint that extends that one.
        CliResult more = await CliRun.RunWithInputAsync(Some.DecisionLines(25), null, "record", "-", "--ledger", restored);
        Assert.True(more.ExitCode == 0, more.ToString());
        (long toSize, Sha256Hash toRoot, _) = await ReadCheckpointAsync(restored);
        Assert.Equal(backedUp + 25, toSize);
        CliResult proof = await CliRun.RunAsync("proof", "consistency", "--from", fromSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--to", toSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ledger", restored);
        Assert.True(proof.ExitCode == 0, proof.ToString());
        using JsonDocument proofJson = JsonDocument.Parse(proof.Out);
        Sha256Hash[] hashes = proofJson.RootElement.GetProperty("hashes").EnumerateArray().Select(h => Sha256Hash.FromBase64(h.GetString()!)).ToArray();
        Assert.True(MerkleProofVerifier.VerifyConsistency(fromSize, toSize, fromRoot, toRoot, hashes), "the restored ledger's next checkpoint is consistent with the last one before the backup");
    }

    [Fact]
    public async Task Restore_IntoExistingLedger_RefusesWithoutForceAndReplacesWithForce()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(Some.DecisionLines(10), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);
        string archive = Path.Combine(temp.Root, "ten.backup");
        Assert.Equal(0, (await CliRun.RunAsync("backup", "--out", archive, "--ledger", temp.Ledger)).ExitCode);

        string other = Path.Combine(temp.Root, "other");
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/other", "--ledger", other)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(Some.DecisionLines(3), null, "record", "-", "--ledger", other)).ExitCode);

        CliResult refused = await CliRun.RunAsync("restore", "--from", archive, "--ledger", other);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);
        Assert.Contains("tree size 3,", (await CliRun.RunAsync("verify", "--ledger", other)).Out, StringComparison.Ordinal);

        CliResult forced = await CliRun.RunAsync("restore", "--from", archive, "--ledger", other, "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", other);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("tree size 10,", verify.Out, StringComparison.Ordinal);
        Assert.Equal((await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out, (await CliRun.RunAsync("key", "--ledger", other)).Out);
    }

    [Fact]
    public async Task Backup_WithoutKeys_RestoreNeedsTheKeysInTheTargetFirst()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunWithInputAsync(Some.DecisionLines(7), null, "record", "-", "--ledger", temp.Ledger)).ExitCode);
        string archive = Path.Combine(temp.Root, "nokeys.backup");
        Assert.Equal(0, (await CliRun.RunAsync("backup", "--out", archive, "--without-keys", "--ledger", temp.Ledger)).ExitCode);

        string restored = Path.Combine(temp.Root, "restored");
        CliResult refused = await CliRun.RunAsync("restore", "--from", archive, "--ledger", restored);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("holds no signing.key", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(restored, "ledger.db")));

        foreach (string key in new[] { "signing.key", "fingerprint.key", "redaction.key" })
        {
            File.Copy(Path.Combine(temp.Ledger, key), Path.Combine(restored, key));
        }

        CliResult restore = await CliRun.RunAsync("restore", "--from", archive, "--ledger", restored);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", restored);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("tree size 7,", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_ExistingOutFile_ExitsTwoAndLeavesItAlone()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("init", "--origin", "t.example/x", "--ledger", temp.Ledger)).ExitCode);
        string archive = Path.Combine(temp.Root, "taken");
        await File.WriteAllTextAsync(archive, "keep me");

        CliResult result = await CliRun.RunAsync("backup", "--out", archive, "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--out: {archive} exists already", result.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(archive));
    }

    [Fact]
    public async Task Restore_FileThatIsNoBackup_ExitsTwoNamingFrom()
    {
        using var temp = new TempLedger();
        string archive = Path.Combine(temp.Root, "not-a-backup");
        await File.WriteAllTextAsync(archive, "{\"hello\":1}\n");

        CliResult result = await CliRun.RunAsync("restore", "--from", archive, "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--from: {archive}", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Database));
    }

    [Fact]
    public async Task Backup_PostgresLedger_ExitsTwoPointingToPgDump()
    {
        using var temp = new TempLedger();
        CliResult result = await CliRun.RunAsync("backup", "--out", Path.Combine(temp.Root, "x"), "--store", "postgres", "--connection", "Host=localhost;Database=none", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pg_dump", result.Error, StringComparison.Ordinal);
        Assert.Contains("docs/operations.md", result.Error, StringComparison.Ordinal);
    }

    private static async Task<(long Size, Sha256Hash Root, string Note)> ReadCheckpointAsync(string ledger)
    {
        CliResult checkpoint = await CliRun.RunAsync("checkpoint", "--json", "--ledger", ledger);
        Assert.True(checkpoint.ExitCode == 0, checkpoint.ToString());
        using JsonDocument json = JsonDocument.Parse(checkpoint.Out);
        return (json.RootElement.GetProperty("treeSize").GetInt64(), Sha256Hash.FromBase64(json.RootElement.GetProperty("rootHash").GetString()!), json.RootElement.GetProperty("note").GetString()!);
    }
}
