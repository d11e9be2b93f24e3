using DecisionLedger.Hashing;
using DecisionLedger.Recording;
using DecisionLedger.Redis.Buffer;
using DecisionLedger.Redis.Sequencing;
using DecisionLedger.Storage;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Tests;

public sealed class SequencerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [RedisFact]
    public async Task Sequencer_RecordsBufferedDecisionsInOrder_AcknowledgesAndEmptiesTheStream()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        var prepared = Enumerable.Range(0, 300).Select(i => ledger.Preparer.Prepare(Some.Decision(i, contact: Some.Email))).ToList();
        IReadOnlyList<string> ids = await buffer.EnqueueAsync(prepared);
        Assert.Equal(300, ids.Distinct().Count());

        await using (SequencerLedger opened = await ledger.OpenAsync())
        {
            using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "test-consumer", opened.Recorder, opened.Store);
            using var stop = new CancellationTokenSource();
            Task running = sequencer.RunAsync(stop.Token);
            await Eventually.TrueAsync(() => Task.FromResult(sequencer.Recorded == 300), Patience);
            await stop.CancelAsync();
            await running;
            Assert.Equal(0, sequencer.DeadLettered);
        }

        List<string> recorded = await ledger.VerifiedRequestIdsAsync();
        Assert.Equal(prepared.Select(p => p.RequestId), recorded);
        Assert.Equal(0, await scope.PendingAsync());
        Assert.Equal(0, await scope.Db.StreamLengthAsync(scope.Keys.Stream));
    }

    [RedisFact]
    public async Task Sequencer_ManySmallReadBatchesInFlight_RecordsEachOnceInOrder_AndAcknowledgesAll()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin, o => o.ReadBatchSize = 7);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        var prepared = Enumerable.Range(0, 200).Select(i => ledger.Preparer.Prepare(Some.Decision(i, contact: Some.Email))).ToList();

        await using (SequencerLedger opened = await ledger.OpenAsync())
        {
            using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "test-consumer", opened.Recorder, opened.Store);
            using var stop = new CancellationTokenSource();
            Task running = sequencer.RunAsync(stop.Token);

            // Enqueued while the sequencer runs, in chunks that straddle its 7-entry read batches,
            // with every 25th decision sent twice (a collector's retry): the repeat lands in a
            // later read batch, possibly while its first copy is still committing.
            for (int i = 0; i < prepared.Count; i += 25)
            {
                List<RedactedDecision> chunk = [.. prepared.Skip(i).Take(25), prepared[i]];
                await buffer.EnqueueAsync(chunk);
            }

            await Eventually.TrueAsync(async () => sequencer.Recorded + sequencer.Redelivered == 208 && await scope.PendingAsync() == 0, Patience);
            await stop.CancelAsync();
            await running;
            Assert.Equal(200, sequencer.Recorded);
            Assert.Equal(8, sequencer.Redelivered);
            Assert.Equal(0, sequencer.DeadLettered);
        }

        Assert.Equal(prepared.Select(p => p.RequestId), await ledger.VerifiedRequestIdsAsync());
        Assert.Equal(0, await scope.Db.StreamLengthAsync(scope.Keys.Stream));
    }

    [RedisFact]
    public async Task Sequencer_KeepsTheCollectorsRedactionsAndFingerprint_WithoutRedactingAgain()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        RedactedDecision prepared = ledger.Preparer.Prepare(Some.Decision(7, contact: Some.Email));
        Assert.Contains(prepared.Redactions, r => r.Path == "input.contact" && r.Rule == "detector:email");

        // What is in Redis is already redacted: the email never reaches the buffer.
        string id = await buffer.EnqueueAsync(prepared);
        StreamEntry[] raw = await scope.Db.StreamRangeAsync(scope.Keys.Stream, id, id);
        Assert.DoesNotContain("jane.doe@example.com", raw[0]["decision"].ToString(), StringComparison.Ordinal);

        await using (SequencerLedger opened = await ledger.OpenAsync())
        {
            using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "test-consumer", opened.Recorder, opened.Store);
            using var stop = new CancellationTokenSource();
            Task running = sequencer.RunAsync(stop.Token);
            await Eventually.TrueAsync(() => Task.FromResult(sequencer.Recorded == 1), Patience);
            await stop.CancelAsync();
            await running;

            StoredEntry entry = (await opened.Store.FindByRequestIdAsync(prepared.RequestId))!;
            string canonical = System.Text.Encoding.UTF8.GetString(entry.CanonicalBytes);
            Assert.Contains("\"redactions\":[{\"operator\":\"tag\",\"path\":\"input.contact\",\"rule\":\"detector:email\"}]", canonical, StringComparison.Ordinal);

            // The fingerprint is of the original input (with the email), as the in-process recorder computes it.
            Sha256Hash expected = ledger.Directory.CreateFingerprinter().Fingerprint(Some.Decision(7, contact: Some.Email).Input);
            Assert.Equal(expected.ToHex(), entry.Columns.InputFingerprint);
        }

        await ledger.VerifiedRequestIdsAsync();
    }

    [RedisFact]
    public async Task Sequencer_ClaimsADeadConsumersPendingEntries_AndNeverRecordsARedeliveryTwice()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        var prepared = Enumerable.Range(0, 40).Select(i => ledger.Preparer.Prepare(Some.Decision(i, contact: Some.Email))).ToList();
        await buffer.EnqueueAsync(prepared);

        // A previous sequencer read all 40 and committed the first 25, then died before XACK.
        await scope.Db.StreamCreateConsumerGroupAsync(scope.Keys.Stream, scope.Options.ConsumerGroup, StreamPosition.Beginning);
        StreamEntry[] taken = await scope.Db.StreamReadGroupAsync(scope.Keys.Stream, scope.Options.ConsumerGroup, "dead-sequencer", StreamPosition.NewMessages, 100);
        Assert.Equal(40, taken.Length);
        await using (SequencerLedger before = await ledger.OpenAsync())
        {
            foreach (RedactedDecision decision in prepared.Take(25))
            {
                await before.Recorder.RecordAsync(decision);
            }
        }

        await using (SequencerLedger opened = await ledger.OpenAsync())
        {
            using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "new-sequencer", opened.Recorder, opened.Store);
            using var stop = new CancellationTokenSource();
            Task running = sequencer.RunAsync(stop.Token);
            await Eventually.TrueAsync(async () => sequencer.Recorded + sequencer.Redelivered == 40 && await scope.PendingAsync() == 0, Patience);
            await stop.CancelAsync();
            await running;
            Assert.Equal(15, sequencer.Recorded);
            Assert.Equal(25, sequencer.Redelivered);
        }

        Assert.Equal(prepared.Select(p => p.RequestId), await ledger.VerifiedRequestIdsAsync());
    }

    [RedisFact]
    public async Task Sequencer_MovesPoisonMessagesToTheDeadLetterStreamWithTheReason_AndRecordsTheRest()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        RedactedDecision first = ledger.Preparer.Prepare(Some.Decision(1, contact: Some.Email));
        RedactedDecision last = ledger.Preparer.Prepare(Some.Decision(2, contact: Some.Email));
        await buffer.EnqueueAsync(first);
        RedisValue notJson = await scope.Db.StreamAddAsync(scope.Keys.Stream, [new("v", "1"), new("decision", "{not json"), new("redactions", "[]"), new("fingerprint", new string('0', 64))]);
        RedisValue future = await scope.Db.StreamAddAsync(scope.Keys.Stream, [new("v", "9"), new("decision", "{}")]);
        await buffer.EnqueueAsync(last);

        await using (SequencerLedger opened = await ledger.OpenAsync())
        {
            using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "test-consumer", opened.Recorder, opened.Store);
            using var stop = new CancellationTokenSource();
            Task running = sequencer.RunAsync(stop.Token);
            await Eventually.TrueAsync(() => Task.FromResult(sequencer.Recorded == 2 && sequencer.DeadLettered == 2), Patience);
            await stop.CancelAsync();
            await running;
        }

        StreamEntry[] dead = await scope.Db.StreamRangeAsync(scope.Keys.DeadLetters);
        Assert.Equal(2, dead.Length);
        Assert.Equal(notJson.ToString(), dead[0]["sourceId"].ToString());
        Assert.StartsWith("field 'decision':", dead[0]["reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal("{not json", dead[0]["decision"].ToString());
        Assert.Equal(future.ToString(), dead[1]["sourceId"].ToString());
        Assert.Contains("field 'v' is '9'", dead[1]["reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await scope.PendingAsync());
        Assert.Equal([first.RequestId, last.RequestId], await ledger.VerifiedRequestIdsAsync());
    }

    [RedisFact]
    public async Task EnqueueAndWait_ReturnsTheDurableReceipt_OnceTheSequencerCommitted()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        await using SequencerLedger opened = await ledger.OpenAsync();
        using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "test-consumer", opened.Recorder, opened.Store);
        using var stop = new CancellationTokenSource();
        Task running = sequencer.RunAsync(stop.Token);

        RedactedDecision prepared = ledger.Preparer.Prepare(Some.Decision(3, "wait-me-1", contact: Some.Email));
        (string bufferId, RecordReceipt? receipt) = await buffer.EnqueueAndWaitAsync(prepared, Patience);
        await stop.CancelAsync();
        await running;

        Assert.NotEmpty(bufferId);
        Assert.NotNull(receipt);
        StoredEntry stored = (await opened.Store.FindByRequestIdAsync("wait-me-1"))!;
        Assert.Equal(stored.Seq, receipt.Seq);
        Assert.Equal(stored.LeafHash, receipt.LeafHash);
    }

    [RedisFact]
    public async Task EnqueueAndWait_WithoutASequencer_ReturnsTheBufferIdAndNoReceipt_AfterTheTimeout()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using RedisDecisionBuffer buffer = await RedisDecisionBuffer.ConnectAsync(scope.Options, ledger.Origin);
        (string bufferId, RecordReceipt? receipt) = await buffer.EnqueueAndWaitAsync(ledger.Preparer.Prepare(Some.Decision(1, contact: Some.Email)), TimeSpan.FromMilliseconds(300));
        Assert.Null(receipt);
        Assert.Single(await scope.Db.StreamRangeAsync(scope.Keys.Stream, bufferId, bufferId));
    }

    [Fact]
    public void Options_Validate_NamesTheBadOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisBufferOptions { ReadBatchSize = 0 }.Validate());
        Assert.Contains("ReadBatchSize", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => new RedisBufferOptions { Configuration = " " }.Validate());
        Assert.Contains("Configuration", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => new RedisBufferOptions { MinReplicas = -1 }.Validate());
        Assert.Contains("MinReplicas", error.Message, StringComparison.Ordinal);
    }
}
