using DecisionLedger.Recording;
using DecisionLedger.Storage;
using DecisionLedger.Witnessing;
using DecisionLedger.Witnessing.Publishing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Witnessing;

/// <summary>
/// The ledger side of witnessing, deterministic: real witnesses in-process, a <see cref="FakeTimeProvider"/>
/// for the retry delays, the in-memory store for the cosignatures.
/// </summary>
public sealed class WitnessPublisherTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_780_000_000));
    private readonly InProcessWitnesses _network = new();
    private readonly HttpClient _http;
    private readonly ListLoggerProvider _logs = new();
    private readonly InMemoryLedger _ledger = new();
    private readonly WitnessSigner[] _signers = [WitnessFixture.Witness(11, "w1.example"), WitnessFixture.Witness(12, "w2.example"), WitnessFixture.Witness(13, "w3.example")];
    private readonly WitnessPolicy _policy;

    public WitnessPublisherTests()
    {
        _http = new HttpClient(_network);
        _policy = WitnessPolicy.Parse(
            string.Concat(_signers.Select((s, i) => $"witness w{i + 1} {s.VerifierKey} http://w{i + 1}.test/\n")) + "group two 2 w1 w2 w3\nquorum two\n");
        for (int i = 0; i < _signers.Length; i++)
        {
            _network.Add($"w{i + 1}.test", new CheckpointWitness(_signers[i], [_ledger.Verifier], new InMemoryWitnessStateStore(), _time));
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task PublishAsync_OneWitnessDown_PublishesWithTheOthers_RetriesItWithDoublingDelays_UntilItCosigns()
    {
        await RecordAsync(_ledger, 0, 6);
        _network.Down.Add("w2.test");
        using WitnessPublisher publisher = Publisher();

        CosignedNote? first = await publisher.PublishAsync();

        Assert.True(first!.Published);
        Assert.Equal(["w1", "w3"], first.Cosigners.Select(w => w.Name).Order());
        Assert.Equal(1, W2(publisher).Failures);
        Assert.Equal(_time.GetUtcNow().AddSeconds(1), W2(publisher).NextAttemptAt);
        Assert.Contains("Connection refused", W2(publisher).LastError, StringComparison.Ordinal);

        // Not due yet: no request at all.
        await publisher.PublishAsync();
        Assert.Equal(1, _network.Requests.Count(h => h == "w2.test"));

        // Due after 1 s; fails again; the next delay is 2 s, then 4 s.
        _time.Advance(TimeSpan.FromSeconds(1));
        await publisher.PublishAsync();
        Assert.Equal((2, 2), (_network.Requests.Count(h => h == "w2.test"), W2(publisher).ConsecutiveFailures));
        Assert.Equal(_time.GetUtcNow().AddSeconds(2), W2(publisher).NextAttemptAt);
        _time.Advance(TimeSpan.FromSeconds(1));
        await publisher.PublishAsync();
        Assert.Equal(2, _network.Requests.Count(h => h == "w2.test"));

        // Back up: the next due retry cosigns, and the store holds three cosignatures.
        _network.Down.Clear();
        _time.Advance(TimeSpan.FromSeconds(1));
        CosignedNote? all = await publisher.PublishAsync();

        Assert.Equal(3, all!.Cosigners.Count);
        Assert.Equal((6L, 0, 2L, 0L), (W2(publisher).CosignedSize, W2(publisher).ConsecutiveFailures, W2(publisher).Failures, W2(publisher).SplitViews));
        IReadOnlyList<CheckpointAttestation> stored = await _ledger.Store.ReadAttestationsAsync(6);
        Assert.Equal(["w1.example", "w3.example"], stored.Take(2).Select(a => a.Source).Order());
        Assert.Equal("w2.example", stored[2].Source);
        Assert.Equal(6, CosignedCheckpointVerifier.Verify(all.Note, _ledger.Verifier, _policy).Checkpoint.Size);
        Assert.Equal(6, publisher.Status.PublishedSize);
    }

    [Fact]
    public async Task PublishAsync_WitnessAlreadyHoldsAnOlderCheckpoint_LearnsItsSizeFrom409_AndSendsTheProofFromThere()
    {
        await RecordAsync(_ledger, 0, 5);
        StoredCheckpoint five = (await _ledger.Store.GetLatestCheckpointAsync())!;
        using (WitnessPublisher earlier = Publisher())
        {
            await earlier.PublishAsync();
        }

        await RecordAsync(_ledger, 5, 4);
        using WitnessPublisher restarted = Publisher();

        CosignedNote? note = await restarted.PublishAsync();

        Assert.Equal(5, five.TreeSize);
        Assert.True(note!.Published);
        Assert.Equal(9, note.Checkpoint.TreeSize);
        Assert.All(restarted.Status.Witnesses, w => Assert.Equal((9L, 9L, 0L), (w.CosignedSize, w.KnownSize, w.SplitViews)));
        Assert.Contains(_logs.Entries, e => e.EventId == 1504 && e.Message.Contains("holds size 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublishAsync_WitnessShownAForkOfTheSameSize_RefusesAndTheLedgerReportsASplitView()
    {
        // Same key and origin, another history of the same size, shown to w3 first.
        var fork = new InMemoryLedger();
        await RecordAsync(fork, 100, 6);
        await RecordAsync(_ledger, 0, 6);
        StoredCheckpoint forked = (await fork.Store.GetLatestCheckpointAsync())!;
        StoredCheckpoint honest = (await _ledger.Store.GetLatestCheckpointAsync())!;
        Assert.Equal(forked.TreeSize, honest.TreeSize);
        Assert.NotEqual(forked.RootHash, honest.RootHash);
        using (var forkPublisher = new WitnessPublisher(fork.Store, Configuration(only: "w3"), _http, _time))
        {
            Assert.Single((await forkPublisher.PublishAsync())!.Cosigners);
        }

        using WitnessPublisher publisher = Publisher();
        CosignedNote? note = await publisher.PublishAsync();

        Assert.True(note!.Published);
        Assert.Equal(["w1", "w2"], note.Cosigners.Select(w => w.Name).Order());
        WitnessStatus w3 = publisher.Status.Witnesses.Single(w => w.Name == "w3");
        Assert.Equal((1L, 0L), (w3.SplitViews, w3.CosignedSize));
        Assert.StartsWith("split view: 422 from old size 6", w3.LastError, StringComparison.Ordinal);
        LoggedMessage error = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("SPLIT VIEW? Witness w3 refused checkpoint 6", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await _ledger.Store.ReadAttestationsAsync(6), a => a.Source == "w3.example");
    }

    [Fact]
    public void Resolve_WitnessWithoutUrl_NamesTheFieldAndTheWitness()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, $"witness w1 {_signers[0].VerifierKey}\nquorum w1\n");
            var options = new WitnessingOptions { PolicyPath = path };

            ArgumentException refused = Assert.Throws<ArgumentException>(() => options.Resolve());
            Assert.Contains("Witnessing.Witnesses: witness 'w1'", refused.Message, StringComparison.Ordinal);

            options.Witnesses["w1"] = "http://w1.test/";
            Assert.Equal(new Uri("http://w1.test/add-checkpoint"), options.Resolve().Endpoints.Single().AddCheckpointUrl);
            options.RetryMaxDelay = TimeSpan.FromMilliseconds(1);
            Assert.Contains("Witnessing.RetryMaxDelay", Assert.Throws<ArgumentException>(() => options.Resolve()).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static WitnessStatus W2(WitnessPublisher publisher) => publisher.Status.Witnesses.Single(w => w.Name == "w2");

    private WitnessPublisher Publisher() =>
        new(_ledger.Store, Configuration(), _http, _time, _logs.CreateLogger("publisher"));

    private WitnessingConfiguration Configuration(string? only = null) =>
        new(
            _policy,
            [.. _policy.Witnesses.Where(w => only is null || w.Name == only).Select(w => new WitnessEndpoint(w, w.Url!))],
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(30),
            TimeSpan.FromSeconds(5));

    private async Task RecordAsync(InMemoryLedger ledger, int from, int count)
    {
        await using DecisionRecorder recorder = await ledger.StartRecorderAsync(_time);
        for (int i = from; i < from + count; i++)
        {
            await recorder.RecordAsync(Some.Decision(i, requestId: $"request-{i}"));
        }
    }
}
