using DecisionLedger.Recording;
using DecisionLedger.Redis.Buffer;
using DecisionLedger.PostgreSql.Election;
using DecisionLedger.Redis.Sequencing;
using Npgsql;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Tests;

/// <summary>The faults of issue 7, each with real servers and real processes.</summary>
public sealed class FailoverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [PostgresFact]
    public async Task Election_SecondCandidateStandsBy_UntilTheLeaderStepsDown()
    {
        string origin = "test.example/election-" + Path.GetRandomFileName();
        var first = new PostgreSqlLeaderElection(Services.RequirePostgres(), origin);
        var second = new PostgreSqlLeaderElection(Services.RequirePostgres(), origin, pollInterval: TimeSpan.FromMilliseconds(100));
        Leadership leader = (await first.TryAcquireAsync())!;
        Assert.NotNull(leader);
        Assert.Null(await second.TryAcquireAsync());

        // Another ledger has its own leader.
        await using (Leadership? other = await new PostgreSqlLeaderElection(Services.RequirePostgres(), origin + "-other").TryAcquireAsync())
        {
            Assert.NotNull(other);
        }

        await leader.DisposeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using Leadership next = await second.AcquireAsync(timeout.Token);
        Assert.False(next.Lost.IsCancellationRequested);
    }

    [PostgresFact]
    public async Task Leadership_IsLost_WhenItsPostgreSqlSessionDies_AndAStandbyTakesOver()
    {
        string origin = "test.example/election-" + Path.GetRandomFileName();
        var election = new PostgreSqlLeaderElection(Services.RequirePostgres(), origin, pollInterval: TimeSpan.FromMilliseconds(100), checkInterval: TimeSpan.FromMilliseconds(100));
        await using Leadership leader = (await election.TryAcquireAsync())!;

        // The lock's session is terminated (a PostgreSQL restart or a network cut looks the same to the leader).
        await using (var admin = new NpgsqlConnection(Services.RequirePostgres()))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = @key", admin);
            kill.Parameters.AddWithValue("key", election.LockKey);
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        await Eventually.TrueAsync(() => Task.FromResult(leader.Lost.IsCancellationRequested), TimeSpan.FromSeconds(10), "leadership lost");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using Leadership standby = await new PostgreSqlLeaderElection(Services.RequirePostgres(), origin).AcquireAsync(timeout.Token);
        Assert.False(standby.Lost.IsCancellationRequested);
    }

    [RedisAndPostgresFact]
    public async Task LeaderKilledMidStream_StandbyTakesOver_NoLossNoDuplicateNoGap_VerifyPasses()
    {
        using var ledger = new TestLedger();
        await KillTheLeaderMidStreamAsync(ledger);
    }

    [RedisAndPostgresFact]
    public async Task LeaderKilledMidStream_OnThePostgreSqlStore_StandbyTakesOver_NoLossNoDuplicateNoGap_VerifyPasses()
    {
        using TestLedger ledger = await TestLedger.OnPostgresAsync();
        await KillTheLeaderMidStreamAsync(ledger);
    }

    private static async Task KillTheLeaderMidStreamAsync(TestLedger ledger)
    {
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin, o => o.KeyPrefix = new RedisBufferOptions().KeyPrefix);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        using SequencerProcess a = SequencerProcess.Start(ledger.LedgerPath, Services.RequireRedis(), Services.RequirePostgres(), "seq-a", ledger.StoreArguments);
        await Eventually.TrueAsync(() => Task.FromResult(a.IsLeader), Patience, "the first sequencer to lead:\n" + a.Output);
        using SequencerProcess b = SequencerProcess.Start(ledger.LedgerPath, Services.RequireRedis(), Services.RequirePostgres(), "seq-b", ledger.StoreArguments);

        const int Total = 3000;
        var produced = new List<string>(Total);
        Task producer = Task.Run(async () =>
        {
            for (int batch = 0; batch < Total / 50; batch++)
            {
                var decisions = Enumerable.Range(batch * 50, 50).Select(i => ledger.Preparer.Prepare(Some.Decision(i, contact: Some.Email))).ToList();
                await buffer.EnqueueAsync(decisions);
                produced.AddRange(decisions.Select(d => d.RequestId));
                await Task.Delay(20);
            }
        });

        await Eventually.TrueAsync(async () => await ledger.SizeAsync() >= 500, Patience, "500 entries before the kill");
        a.Kill();
        long atKill = await ledger.SizeAsync();
        await producer;
        Assert.True(atKill < Total, $"the leader was killed after the stream was fully recorded ({atKill}); the test proves nothing");

        await Eventually.TrueAsync(async () => await ledger.SizeAsync() >= Total && await scope.PendingAsync() == 0, Patience, "the standby to take over and record everything:\n" + b.Output);
        Assert.True(b.IsLeader, b.Output);
        await b.StopAsync(TimeSpan.FromSeconds(30));

        List<string> recorded = await ledger.VerifiedRequestIdsAsync();
        Assert.Equal(Total, recorded.Count);
        Assert.Equal(produced.Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
    }

    [RedisServerFact]
    public async Task RedisKilledAndRestartedDuringIngest_AcknowledgedDecisionsAreRecordedOnce_IngestResumesByItself()
    {
        using PrivateRedis redis = await PrivateRedis.StartAsync(Services.RequireRedisServer());
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(redis.Configuration, ledger.Origin, o => o.CommandTimeout = TimeSpan.FromSeconds(2));
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        await using SequencerLedger opened = await ledger.OpenAsync();
        using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "test-consumer", opened.Recorder, opened.Store);
        using var stop = new CancellationTokenSource();
        Task running = sequencer.RunAsync(stop.Token);

        const int Total = 600;
        var acknowledged = new List<string>(Total);
        var firstRefusal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task producer = Task.Run(async () =>
        {
            for (int i = 0; i < Total; i++)
            {
                if (i == 150)
                {
                    // Ingest goes on once Redis is gone, whatever the machine's speed: the fault lands mid-ingest.
                    halfway.SetResult();
                    await killed.Task;
                }

                RedactedDecision decision = ledger.Preparer.Prepare(Some.Decision(i, contact: Some.Email));
                while (true)
                {
                    try
                    {
                        await buffer.EnqueueAsync(decision);
                        lock (acknowledged)
                        {
                            acknowledged.Add(decision.RequestId);
                        }

                        break;
                    }
                    catch (RedisException)
                    {
                        // A clear error: not acknowledged. The caller retries with the same request id.
                        firstRefusal.TrySetResult();
                        await Task.Delay(100);
                    }
                }

                await Task.Delay(2);
            }
        });

        await halfway.Task.WaitAsync(Patience);
        redis.Kill();
        killed.SetResult();

        // Redis stays down until an enqueue is refused (the signal), not for a fixed time: an XADD issued after the
        // kill fails on the dead connection, or waits in the client's backlog and fails after CommandTimeout (2 s),
        // either way with a RedisException. A fixed 1.5 s outage let a backlogged XADD complete after the restart,
        // or time out as a RedisTimeoutException the buffer did not report as the RedisException it promises.
        await Task.WhenAny(firstRefusal.Task, producer);
        Assert.True(firstRefusal.Task.IsCompleted, "while Redis was down no enqueue was refused with a RedisException; the producer ended with " + (producer.Exception?.GetBaseException().ToString() ?? "every decision acknowledged"));
        await redis.StartAsync();
        await producer;

        await Eventually.TrueAsync(async () => await ledger.SizeAsync() >= Total && await scope.PendingAsync() == 0, Patience, "every acknowledged decision recorded after the restart");
        await stop.CancelAsync();
        await running;
        await opened.Recorder.FlushAsync();

        List<string> recorded = await ledger.VerifiedRequestIdsAsync();
        Assert.Equal(Total, recorded.Count);
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
    }

    [RedisAndPostgresFact]
    public async Task LeaderElectedSequencer_LosingItsLockSession_StopsThenLeadsAgain_WithoutLossOrDuplicate()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        var election = new PostgreSqlLeaderElection(Services.RequirePostgres(), ledger.Origin, pollInterval: TimeSpan.FromMilliseconds(200), checkInterval: TimeSpan.FromMilliseconds(200));
        var sequencer = new LeaderElectedSequencer(election, scope.Options, ledger.Origin, "in-process", ct => ledger.OpenAsync(ct));
        using var stop = new CancellationTokenSource();
        Task running = sequencer.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => Task.FromResult(sequencer.IsLeader), Patience, "leadership");

        var produced = new List<string>();
        for (int round = 0; round < 3; round++)
        {
            var decisions = Enumerable.Range(round * 100, 100).Select(i => ledger.Preparer.Prepare(Some.Decision(i, contact: Some.Email))).ToList();
            await buffer.EnqueueAsync(decisions);
            produced.AddRange(decisions.Select(d => d.RequestId));
            if (round == 1)
            {
                // PostgreSQL drops the lock's session, as in a restart: leadership must end, then be won again.
                await using var admin = new NpgsqlConnection(Services.RequirePostgres());
                await admin.OpenAsync();
                await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = @key", admin);
                kill.Parameters.AddWithValue("key", election.LockKey);
                await kill.ExecuteScalarAsync();
            }
        }

        await Eventually.TrueAsync(async () => await ledger.SizeAsync() >= 300 && await scope.PendingAsync() == 0, Patience, "all 300 recorded after leading again");
        await stop.CancelAsync();
        await running;
        List<string> recorded = await ledger.VerifiedRequestIdsAsync();
        Assert.Equal(produced.Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
    }

    [PrivatePostgresAndRedisFact]
    public async Task PostgreSqlCrashedAndRestartedDuringIngest_SequencerLeadsAgainByItself_NothingLostOrDuplicated()
    {
        using PrivatePostgres postgres = await PrivatePostgres.StartAsync(Environment.GetEnvironmentVariable("DLEDGER_TEST_PG_BINDIR")!);
        using TestLedger ledger = await TestLedger.OnPostgresAsync(postgres.ConnectionString);
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        var election = new PostgreSqlLeaderElection(postgres.ConnectionString, ledger.Origin, pollInterval: TimeSpan.FromMilliseconds(200), checkInterval: TimeSpan.FromMilliseconds(200));
        var sequencer = new LeaderElectedSequencer(election, scope.Options, ledger.Origin, "in-process", ct => ledger.OpenAsync(ct));
        using var stop = new CancellationTokenSource();
        Task running = sequencer.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => Task.FromResult(sequencer.IsLeader), Patience, "leadership");

        const int Total = 600;
        var produced = new List<string>(Total);
        Task producer = Task.Run(async () =>
        {
            for (int batch = 0; batch < Total / 20; batch++)
            {
                var decisions = Enumerable.Range(batch * 20, 20).Select(i => ledger.Preparer.Prepare(Some.Decision(i, contact: Some.Email))).ToList();
                await buffer.EnqueueAsync(decisions);
                lock (produced)
                {
                    produced.AddRange(decisions.Select(d => d.RequestId));
                }

                await Task.Delay(15);
            }
        });

        await Eventually.TrueAsync(async () => await ledger.SizeAsync() >= 100, Patience, "100 recorded before the crash");
        await postgres.CrashAsync();
        await Task.Delay(1500);
        await postgres.StartAsync();
        await producer;

        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return await ledger.SizeAsync() >= Total && await scope.PendingAsync() == 0;
                }
                catch (Exception ex) when (ex is DecisionLedger.Storage.LedgerStoreException or NpgsqlException)
                {
                    return false;
                }
            },
            Patience,
            "every buffered decision recorded after PostgreSQL came back");

        // Under load the election may notice the dead session only after the ledger caught up
        // (the write path reconnects on its own): leading again may come a moment later.
        await Eventually.TrueAsync(() => Task.FromResult(sequencer.IsLeader), Patience, "the sequencer leads again after PostgreSQL restarted");
        await stop.CancelAsync();
        await running;
        List<string> recorded = await ledger.VerifiedRequestIdsAsync();
        Assert.Equal(Total, recorded.Count);
        Assert.Equal(produced.Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
    }
}
