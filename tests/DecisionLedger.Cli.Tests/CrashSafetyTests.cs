using System.Diagnostics;
using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Tests;

public sealed class CrashSafetyTests
{
    [Fact]
    public async Task Record_KilledAtRandomMoment_KeepsEveryPrintedReceiptAndVerifies()
    {
        using var temp = new TempLedger();
        await CliRun.RunAsync("init", "--origin", "crash.example/x", "--ledger", temp.Ledger);
        string dll = Path.Combine(AppContext.BaseDirectory, "dledger.dll");
        var random = new Random(7);
        var receipts = new List<(long Seq, string LeafHash)>();
        int next = 0;

        for (int round = 0; round < 3; round++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add("record");
            start.ArgumentList.Add("-");
            start.ArgumentList.Add("--ledger");
            start.ArgumentList.Add(temp.Ledger);
            using Process process = Process.Start(start)!;
            using var feeding = new CancellationTokenSource();
            Task feeder = Task.Run(async () =>
            {
                try
                {
                    while (!feeding.IsCancellationRequested)
                    {
                        await process.StandardInput.WriteLineAsync(Some.DecisionJson(Interlocked.Increment(ref next)));
                        if (next % 50 == 0)
                        {
                            await process.StandardInput.FlushAsync();
                            await Task.Delay(1);
                        }
                    }
                }
                catch (IOException)
                {
                    // The child was killed.
                }
            });
            var printed = new List<string>();
            Task reader = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                {
                    lock (printed)
                    {
                        printed.Add(line);
                    }
                }
            });

            // Let it start and record for a while, then kill it mid-stream.
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                lock (printed)
                {
                    if (printed.Count > 0)
                    {
                        break;
                    }
                }

                await Task.Delay(20);
            }

            await Task.Delay(random.Next(100, 600));
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await feeding.CancelAsync();
            await reader;
            await feeder;

            lock (printed)
            {
                Assert.True(printed.Count > 0, "round " + round + ": no receipt printed: " + process.StandardError.ReadToEnd());
                for (int i = 0; i < printed.Count; i++)
                {
                    // The kill may cut the last line short; a receipt counts once its line is whole.
                    if (i == printed.Count - 1 && !printed[i].EndsWith('}'))
                    {
                        break;
                    }

                    using JsonDocument receipt = JsonDocument.Parse(printed[i]);
                    receipts.Add((receipt.RootElement.GetProperty("seq").GetInt64(), receipt.RootElement.GetProperty("leafHash").GetString()!));
                }
            }

            await using (var store = new SqliteLedgerStore(temp.Database, new SqliteLedgerStoreOptions { ReadOnly = true }))
            {
                await store.OpenAsync();
                foreach ((long seq, string leafHash) in receipts)
                {
                    StoredEntry? entry = await store.GetEntryAsync(seq);
                    Assert.NotNull(entry);
                    Assert.Equal(leafHash, entry.LeafHash.ToBase64());
                    Assert.Equal(leafHash, MerkleHasher.HashLeaf(entry.CanonicalBytes).ToBase64());
                }
            }

            CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
            Assert.True(verify.ExitCode == 0, "round " + round + ": " + verify);
        }

        Assert.Equal(receipts.Count, receipts.Select(r => r.Seq).Distinct().Count());
    }
}
