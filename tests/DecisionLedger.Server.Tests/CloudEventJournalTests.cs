using System.Net;
using System.Text;
using System.Text.Json;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.CloudEvents;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// The pending-halves journal: a half answered 202 is on disk first, and a collector started over a journal
/// left by a crash (written here line by line, torn and corrupt lines included) pairs, times out or records it.
/// The kill -9 of a real <c>dledger serve</c> is in DecisionLedger.Cli.Tests (ServeCrashTests).
/// </summary>
public sealed class CloudEventJournalTests
{
    [Fact]
    public async Task PendingHalf_IsInTheJournalBefore202_CompactedAwayWhenPaired_JournalEmptyAfterStop()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];

        using HttpResponseMessage first = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "jr-1", KServe.V1Request));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        string[] lines = ReadJournal(collector);
        string line = Assert.Single(lines);
        using (JsonDocument half = JsonDocument.Parse(line))
        {
            Assert.Equal("half", half.RootElement.GetProperty("op").GetString());
            Assert.Equal("jr-1", half.RootElement.GetProperty("id").GetString());
            Assert.Equal("request", half.RootElement.GetProperty("kind").GetString());
            Assert.Equal(2, half.RootElement.GetProperty("body").GetProperty("instances").GetArrayLength());
        }

        using HttpResponseMessage second = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "jr-1", KServe.V1Response));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        // Nothing is pending any more: the half and its tombstone are compacted away at once.
        await EventuallyAsync(() => ReadJournal(collector).Length == 0, "jr-1 compacted away");

        await collector.StopServerAsync();
        Assert.Equal(0, new FileInfo(JournalPath(collector)).Length);
    }

    [Fact]
    public async Task Restart_ReplaysTheHalf_LateResponsePairs_TornFinalLineIgnored()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        await collector.StopServerAsync();
        byte[] half = PendingHalfCodec.EncodeHalf(Half("rp-1", request: true, KServe.V1Request), DateTimeOffset.UtcNow);
        await File.WriteAllBytesAsync(JournalPath(collector), [.. half, .. "{\"op\":\"half\",\"id\":\"torn-"u8.ToArray()]);

        await collector.StartServerAsync();
        using HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(collector.Keys[ApiKeyRole.Ingest], KServe.ResponseType, "rp-1", KServe.V1Response));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement entry = await CloudEventTests.ShowAsync(collector, "rp-1");
        Assert.False(entry.GetProperty("metadata").TryGetProperty("missingHalf", out _));
        Assert.Equal("[1,1]", entry.GetProperty("output").GetProperty("predictions").GetRawText());
        Assert.Contains(collector.Logs.Entries, m => m.EventId == 3013 && m.Message.Contains("line 2", StringComparison.Ordinal));
        Assert.DoesNotContain(collector.Logs.Entries, m => m.EventId == 3014);
        await collector.StopServerAsync();
        await using SqliteLedgerStore store = await CloudEventTests.OpenStoreAsync(collector);
        StoredInput? input = await store.GetInputAsync(RunningCollector.SeedCount);
        using JsonDocument stored = JsonDocument.Parse(input!.Input);
        Assert.Equal(2, stored.RootElement.GetProperty("instances").GetArrayLength());
        await CloudEventTests.AssertVerifiedAsync(collector, store, RunningCollector.SeedCount + 1);
    }

    [Fact]
    public async Task Restart_CorruptMiddleLine_IsReportedAndKeptAside_TheOtherHalvesStillPair()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        await collector.StopServerAsync();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await File.WriteAllBytesAsync(JournalPath(collector), [
            .. PendingHalfCodec.EncodeHalf(Half("cm-1", request: true, KServe.V1Request), now),
            .. "{\"op\":\"half\",\"id\":\0\0\0 not json\n"u8.ToArray(),
            .. PendingHalfCodec.EncodeHalf(Half("cm-2", request: false, KServe.V1Response), now)]);

        await collector.StartServerAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];
        using HttpResponseMessage one = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "cm-1", KServe.V1Response));
        using HttpResponseMessage two = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "cm-2", KServe.V1Request));

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        string message = Assert.Single(collector.Logs.Entries, m => m.EventId == 3014).Message;
        Assert.Contains("line 2", message, StringComparison.Ordinal);
        string copy = Assert.Single(Directory.GetFiles(collector.LedgerPath, PendingHalfJournal.FileName + ".corrupt-*"));
        Assert.Contains(copy, message, StringComparison.Ordinal);
        Assert.Contains(" not json", await File.ReadAllTextAsync(copy), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_HalfPastItsTimeout_RecordedAloneAtStart_HalfWithTimeLeft_WaitsOnlyTheRest()
    {
        var time = new FakeTimeProvider(KServe.RequestTime.AddHours(1));
        await using RunningCollector collector = await RunningCollector.StartAsync();
        await collector.StopServerAsync();
        DateTimeOffset now = time.GetUtcNow();
        await File.WriteAllBytesAsync(JournalPath(collector), [
            .. PendingHalfCodec.EncodeHalf(Half("old-1", request: true, KServe.V1Request), now.AddSeconds(-60)),
            .. PendingHalfCodec.EncodeHalf(Half("new-1", request: false, KServe.V1Response), now.AddSeconds(-10))]);

        await collector.StartServerAsync(new CollectorOptions { TimeProvider = time, CloudEventPairTimeout = TimeSpan.FromSeconds(30) });

        JsonElement old = await CloudEventTests.WaitForDecisionAsync(collector, "old-1");
        Assert.Equal("response", old.GetProperty("metadata").GetProperty("missingHalf").GetString());
        Assert.Equal("timeout", old.GetProperty("metadata").GetProperty("recordedAlone").GetString());
        time.Advance(TimeSpan.FromSeconds(19));
        using (HttpResponseMessage early = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/new-1", ApiKeyRole.Reader))
        {
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        JsonElement fresh = await CloudEventTests.WaitForDecisionAsync(collector, "new-1");
        Assert.Equal("request", fresh.GetProperty("metadata").GetProperty("missingHalf").GetString());
        Assert.Contains(collector.Logs.Entries, m => m.EventId == 3012 && m.Message.Contains("1 past their timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_HalfRedelivered_IsNotHeldTwice_PairRecordedOnce()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        await collector.StopServerAsync();
        await File.WriteAllBytesAsync(JournalPath(collector), PendingHalfCodec.EncodeHalf(Half("rd-1", request: true, KServe.V1Request), DateTimeOffset.UtcNow));
        await collector.StartServerAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];

        using HttpResponseMessage again = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "rd-1", KServe.V1Request));
        using HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "rd-1", KServe.V1Response));

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Contains("\"status\":\"redelivered\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await collector.StopServerAsync();
        await using SqliteLedgerStore store = await CloudEventTests.OpenStoreAsync(collector);
        await CloudEventTests.AssertVerifiedAsync(collector, store, RunningCollector.SeedCount + 1);
        Assert.Equal(0, new FileInfo(JournalPath(collector)).Length);
    }

    [Fact]
    public async Task Journal_MostlyTombstones_IsCompacted_AndReopensWithOnlyTheLiveHalf()
    {
        string directory = Path.Combine(Path.GetTempPath(), "dledger-journal-" + Path.GetRandomFileName());
        string path = Path.Combine(directory, PendingHalfJournal.FileName);
        try
        {
            InferenceEvent live = Half("live-0", request: true, KServe.V1Request);
            await using (PendingHalfJournal journal = PendingHalfJournal.Open(path, TimeProvider.System, NullLogger.Instance, static half => half, out IReadOnlyList<JournaledHalf> none))
            {
                Assert.Empty(none);
                var durable = new List<Task> { journal.AppendHalfAsync(PendingHalfCodec.EncodeHalf(live, DateTimeOffset.UtcNow)) };
                for (int i = 0; i < PendingHalfJournal.CompactAfterLines; i++)
                {
                    InferenceEvent half = Half("gone-" + i, request: i % 2 == 0, KServe.V1Request);
                    durable.Add(journal.AppendHalfAsync(PendingHalfCodec.EncodeHalf(half, DateTimeOffset.UtcNow)));
                    journal.AppendDone(half);
                }

                await Task.WhenAll(durable);
                await journal.AppendHalfAsync(PendingHalfCodec.EncodeHalf(Half("live-1", request: false, KServe.V1Response), DateTimeOffset.UtcNow));

                // 8,194 lines were written; compaction (after the batch that crossed the threshold) keeps the file under it.
                await EventuallyAsync(() => journal.LineCount < PendingHalfJournal.CompactAfterLines, "compaction");
            }

            await using PendingHalfJournal reopened = PendingHalfJournal.Open(path, TimeProvider.System, NullLogger.Instance, static half => half, out IReadOnlyList<JournaledHalf> halves);
            Assert.Equal(["live-0", "live-1"], halves.Select(h => h.Event.Id).Order(StringComparer.Ordinal));
            JournaledHalf first = halves.Single(h => h.Event.Id == "live-0");
            Assert.True(first.Event.IsRedeliveryOf(live));
            Assert.Equal(live.Body.GetRawText(), first.Event.Body.GetRawText());
            Assert.Equal(2, File.ReadAllLines(path).Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Journal_HeldByOneCollector_SecondOpenRefusedNamingTheFile()
    {
        string directory = Path.Combine(Path.GetTempPath(), "dledger-journal-" + Path.GetRandomFileName());
        string path = Path.Combine(directory, PendingHalfJournal.FileName);
        try
        {
            await using PendingHalfJournal journal = PendingHalfJournal.Open(path, TimeProvider.System, NullLogger.Instance, static half => half, out _);

            CloudEventJournalException refused = Assert.Throws<CloudEventJournalException>(() => PendingHalfJournal.Open(path, TimeProvider.System, NullLogger.Instance, static half => half, out _));

            Assert.Contains(path, refused.Message, StringComparison.Ordinal);
            Assert.Contains("another collector", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string JournalPath(RunningCollector collector) => Path.Combine(collector.LedgerPath, PendingHalfJournal.FileName);

    private static string[] ReadJournal(RunningCollector collector)
    {
        using var file = new FileStream(JournalPath(collector), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file, Encoding.UTF8);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>A half as KServe's logger would send it in structured mode.</summary>
    private static InferenceEvent Half(string id, bool request, string body) =>
        InferenceEventReader.ReadStructured(Encoding.UTF8.GetBytes(
            "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + KServe.Source + "\",\"type\":\"" + (request ? KServe.RequestType : KServe.ResponseType)
            + "\",\"time\":\"2026-11-23T12:00:00Z\",\"inferenceservicename\":\"" + KServe.Service + "\",\"namespace\":\"default\",\"datacontenttype\":\"application/json\",\"data\":" + body + "}"));

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"{what}: not seen within 10 s");
    }
}
