using DecisionLedger.Checkpoints;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Sqlite;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Tests;

/// <summary>Two real <c>dledger witness serve</c> processes cosign a real ledger's checkpoints and refuse its fork.</summary>
public sealed class WitnessServeTests
{
    [Fact]
    public async Task WitnessServe_TwoWitnesses_CosignTheLedgerAtQuorumTwo_AndRefuseAForkOfTheSameSize()
    {
        using var temp = new TempLedger();
        string fork = Path.Combine(temp.Root, "fork");
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "7", "--ledger", temp.Ledger)).ExitCode);
        string note7 = await CheckpointAsync(temp.Ledger);
        CopyDirectory(temp.Ledger, fork);
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "5", "--ledger", temp.Ledger)).ExitCode);
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "5", "--ledger", fork)).ExitCode);
        string note12 = await CheckpointAsync(temp.Ledger);
        string forked12 = await CheckpointAsync(fork);
        NoteVerifier logKey = NoteVerifier.Parse((await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim());
        Checkpoint honest = CheckpointNote.Open(note12, logKey);
        Assert.Equal(12, honest.Size);
        Assert.Equal(12, CheckpointNote.Open(forked12, logKey).Size);
        Assert.NotEqual(honest.RootHash, CheckpointNote.Open(forked12, logKey).RootHash);
        ConsistencyProof proof = await ProveAsync(temp.Database, 7, 12);

        string logs = Path.Combine(temp.Root, "logs.txt");
        await File.WriteAllTextAsync(logs, $"# the ledger under watch\nlog {logKey.VerifierKey}\n");
        string[] vkeys = new string[2];
        for (int i = 0; i < 2; i++)
        {
            CliResult init = await CliRun.RunAsync("witness", "init", "--name", $"w{i + 1}.example/witness", "--key", Path.Combine(temp.Root, $"w{i + 1}.key"));
            Assert.True(init.ExitCode == 0, init.ToString());
            vkeys[i] = init.Out.Trim();
        }

        string w1State = Path.Combine(temp.Root, "w1.db");
        var cosignatures = new List<string>();
        using (WitnessProcess w1 = await WitnessProcess.StartAsync(logs, w1State, Path.Combine(temp.Root, "w1.key")))
        using (WitnessProcess w2 = await WitnessProcess.StartAsync(logs, Path.Combine(temp.Root, "w2.db"), Path.Combine(temp.Root, "w2.key")))
        {
            foreach (WitnessProcess witness in new[] { w1, w2 })
            {
                Assert.Equal(200, (await witness.AddCheckpointAsync(new AddCheckpointRequest(0, [], note7).ToBody())).Status);
                (int status, string body, _) = await witness.AddCheckpointAsync(new AddCheckpointRequest(7, proof.Hashes, note12).ToBody());
                Assert.True(status == 200, body + witness.Output);
                cosignatures.Add(body);
            }

            (int forkStatus, string forkBody, _) = await w1.AddCheckpointAsync(new AddCheckpointRequest(12, [], forked12).ToBody());
            Assert.Equal(422, forkStatus);
            Assert.Contains("forked", forkBody, StringComparison.Ordinal);
            (int staleStatus, string staleBody, string? staleType) = await w2.AddCheckpointAsync(new AddCheckpointRequest(7, proof.Hashes, forked12).ToBody());
            Assert.Equal((409, "12\n", "text/x.tlog.size"), (staleStatus, staleBody, staleType));
            Assert.Contains("refused add-checkpoint with 422", w1.Output, StringComparison.Ordinal);
        }

        var policy = WitnessPolicy.Parse($"log {logKey.VerifierKey}\nwitness w1 {vkeys[0]}\nwitness w2 {vkeys[1]}\ngroup both 2 w1 w2\nquorum both\n");
        CosignedCheckpoint cosigned = CosignedCheckpointVerifier.Verify(note12 + string.Concat(cosignatures), logKey, policy);
        Assert.Equal(honest, cosigned.Checkpoint);
        Assert.Equal(2, cosigned.Cosignatures.Count);
        Assert.Throws<WitnessQuorumException>(() => CosignedCheckpointVerifier.Verify(note12 + cosignatures[0], logKey, policy));
        Assert.Throws<WitnessQuorumException>(() => CosignedCheckpointVerifier.Verify(forked12 + string.Concat(cosignatures), logKey, policy));

        // The witness's SQLite state outlives the process: a restarted witness still refuses to go back to size 7.
        using (WitnessProcess restarted = await WitnessProcess.StartAsync(logs, w1State, Path.Combine(temp.Root, "w1.key")))
        {
            Assert.Equal((409, "12\n", "text/x.tlog.size"), await restarted.AddCheckpointAsync(new AddCheckpointRequest(0, [], note7).ToBody()));
            using HttpResponseMessage monitor = await restarted.Client.GetAsync($"{CheckpointWitness.OriginHash(honest.Origin)}/checkpoint");
            Assert.Equal(note12 + cosignatures[0], await monitor.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task WitnessServe_LogsFileWithBadLine_ExitsBadInputNamingTheLine()
    {
        using var temp = new TempLedger();
        string key = Path.Combine(temp.Root, "w.key");
        Assert.Equal(0, (await CliRun.RunAsync("witness", "init", "--name", "w.example", "--key", key)).ExitCode);
        string logs = Path.Combine(temp.Root, "logs.txt");
        await File.WriteAllTextAsync(logs, "# logs\nlog not-a-key\n");

        CliResult result = await CliRun.RunAsync("witness", "serve", "--urls", "http://127.0.0.1:0", "--logs", logs, "--state", Path.Combine(temp.Root, "w.db"), "--key", key);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 2", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WitnessInit_KeyFileExists_RefusesToOverwrite_AndKeyPrintsTheSameVerifierKey()
    {
        using var temp = new TempLedger();
        string key = Path.Combine(temp.Root, "w.key");
        CliResult first = await CliRun.RunAsync("witness", "init", "--name", "w.example", "--key", key);

        CliResult second = await CliRun.RunAsync("witness", "init", "--name", "w.example", "--key", key);
        CliResult printed = await CliRun.RunAsync("witness", "key", "--key", key);

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("already exists", second.Error, StringComparison.Ordinal);
        Assert.Equal(first.Out, printed.Out);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal(first.Out.Trim(), CosignatureVerifier.Parse(first.Out.Trim()).VerifierKey);
    }

    private static async Task<string> CheckpointAsync(string ledger)
    {
        CliResult result = await CliRun.RunAsync("checkpoint", "--ledger", ledger);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Out;
    }

    private static async Task<ConsistencyProof> ProveAsync(string database, long from, long to)
    {
        await using var store = new SqliteLedgerStore(database, new SqliteLedgerStoreOptions { ReadOnly = true });
        await store.OpenAsync();
        using var prover = new LedgerProver(store);
        return await prover.ProveConsistencyAsync(from, to);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
