using DecisionLedger.Recording;
using DecisionLedger.PostgreSql.Election;
using DecisionLedger.Redis.Sequencing;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Redis.Tests;

/// <summary>A graceful stop of a sequencer leaves every committed entry covered by a signed checkpoint.</summary>
public sealed class GracefulStopTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [RedisAndPostgresFact]
    public async Task StandbyStoppedWhileTakingOver_StillSignsOverTheKilledLeadersUncoveredEntries()
    {
        using var ledger = new TestLedger();
        await LeaveKilledLeadersLedgerAsync(ledger, entries: 20);
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        var election = new PostgreSqlLeaderElection(Services.RequirePostgres(), ledger.Origin, pollInterval: TimeSpan.FromMilliseconds(100));

        // The standby wins the election and is opening the ledger when SIGTERM arrives.
        var opening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var standby = new LeaderElectedSequencer(election, scope.Options, ledger.Origin, "standby", async cancellationToken =>
        {
            opening.SetResult();
            await release.Task.WaitAsync(cancellationToken);
            return await ledger.OpenAsync(cancellationToken);
        });
        using var stop = new CancellationTokenSource();
        Task running = standby.RunAsync(stop.Token);
        await opening.Task.WaitAsync(Patience);
        await stop.CancelAsync();
        release.SetResult();
        await running.WaitAsync(Patience);

        LedgerHead head = await ReadHeadAsync(ledger);
        Assert.Equal(20, head.Size);
        Assert.True(head.LatestCheckpoint?.TreeSize == 20, $"the latest signed checkpoint covers {head.LatestCheckpoint?.TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"} of 20 committed entries");
        Assert.Equal(20, (await ledger.VerifiedRequestIdsAsync()).Count);
    }

    /// <summary>
    /// What a leader killed with SIGKILL leaves: committed entries after its last signed checkpoint.
    /// A recorder whose clock never moves signs no checkpoint while it runs; a consistent copy of its
    /// database taken meanwhile (SQLite's online backup) is the ledger as the kill left it.
    /// </summary>
    private static async Task LeaveKilledLeadersLedgerAsync(TestLedger ledger, int entries)
    {
        string running = Path.Combine(ledger.Root, "killed-leader.db");
        await using (var store = new SqliteLedgerStore(running))
        {
            await store.OpenAsync();
            DecisionRecorder recorder = await DecisionRecorder.StartAsync(
                store,
                ledger.Directory.Signer,
                ledger.Directory.CreateFingerprinter(),
                new LedgerOptions { Origin = ledger.Origin },
                new FrozenTime(),
                redactor: ledger.Directory.CreateRedactor());
            for (int i = 0; i < entries; i++)
            {
                await recorder.RecordAsync(ledger.Preparer.Prepare(Some.Decision(i, contact: Some.Email)));
            }

            using (var source = new SqliteConnection($"Data Source={running};Mode=ReadOnly;Pooling=False"))
            using (var copy = new SqliteConnection($"Data Source={ledger.Directory.DatabasePath};Pooling=False"))
            {
                source.Open();
                copy.Open();
                source.BackupDatabase(copy);
            }

            await recorder.DisposeAsync();
        }

        LedgerHead left = await ReadHeadAsync(ledger);
        Assert.Equal(entries, left.Size);
        Assert.True((left.LatestCheckpoint?.TreeSize ?? 0) < entries, "the killed leader's ledger must end with entries no checkpoint covers");
    }

    private static async Task<LedgerHead> ReadHeadAsync(TestLedger ledger)
    {
        await using var store = new SqliteLedgerStore(ledger.Directory.DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        return await store.OpenAsync();
    }

    /// <summary>A clock that never moves and timers that never fire: no checkpoint falls due.</summary>
    private sealed class FrozenTime : TimeProvider
    {
        private readonly DateTimeOffset _now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

        private sealed class NeverTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => default;
        }
    }
}
