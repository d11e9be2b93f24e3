using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.CloudEvents;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// The pending-halves journal never holds personal data: a half is written only after the ledger's redaction
/// policy, is compacted away once its pair is recorded, and a half read back after a crash pairs into exactly
/// the decision a pair recorded without a restart gets. The journal is readable by its owner only.
/// </summary>
public sealed class CloudEventJournalPrivacyTests
{
    private const string Email = "jane.doe@example.com";
    private const string Card = "4111 1111 1111 1111";
    private const string Phone = "+44 20 7946 0958";
    private const string PiiRequest = "{\"customer\":{\"email\":\"" + Email + "\",\"card\":\"" + Card + "\",\"note\":\"call " + Phone + " after 6\"},\"instances\":[[6.8,2.8,4.8,1.4]]}";
    private const string PiiResponse = "{\"predictions\":[1],\"escalate\":\"ops-" + Email + "\"}";

    [Fact]
    public async Task PendingHalf_WithEmailAndCard_JournalHoldsOnlyTheRedactedHalf_CompactedAwayWhenPaired()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];

        using HttpResponseMessage first = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "pii-1", PiiRequest));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        string journal = ReadJournal(collector);
        AssertNoPii(journal);
        Assert.Contains("[EMAIL]", journal, StringComparison.Ordinal);
        Assert.Contains("[CARD]", journal, StringComparison.Ordinal);
        Assert.Contains("[PHONE]", journal, StringComparison.Ordinal);
        AssertOwnerOnly(JournalPath(collector));

        using HttpResponseMessage second = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "pii-1", PiiResponse));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await EventuallyAsync(() => ReadJournal(collector).Length == 0, "the paired half compacted away");

        await collector.StopServerAsync();
        AssertNoPii(ReadJournal(collector));
        AssertOwnerOnly(JournalPath(collector));
        await using SqliteLedgerStore store = await CloudEventTests.OpenStoreAsync(collector);
        Recorded recorded = await RecordedAsync(store, "pii-1");
        Assert.Contains("\"email\":\"[EMAIL]\"", recorded.Input, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_AfterCrash_ReplayedRedactedHalf_PairsIntoTheSameDecisionAsALivePair()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];
        using (HttpResponseMessage request = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "live-1", PiiRequest)))
        using (HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "live-1", PiiResponse)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // What a kill -9 leaves on disk while "crash-1" waits for its response: the journal as it is now.
        using (HttpResponseMessage pending = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "crash-1", PiiRequest)))
        {
            Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        }

        string crashed = ReadJournal(collector);
        AssertNoPii(crashed);
        await collector.StopServerAsync();

        // The stop recorded crash-1 alone; the crashed journal comes back under an id the ledger does not hold yet.
        await File.WriteAllTextAsync(JournalPath(collector), crashed.Replace("crash-1", "crash-2", StringComparison.Ordinal));
        await collector.StartServerAsync();
        using (HttpResponseMessage late = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "crash-2", PiiResponse)))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }

        AssertNoPii(ReadJournal(collector));
        AssertOwnerOnly(JournalPath(collector));
        await collector.StopServerAsync();
        await using SqliteLedgerStore store = await CloudEventTests.OpenStoreAsync(collector);
        Recorded live = await RecordedAsync(store, "live-1");
        Recorded replayed = await RecordedAsync(store, "crash-2");
        Assert.Equal(live.Entry, replayed.Entry);
        Assert.Equal(live.Fingerprint, replayed.Fingerprint);
        Assert.Equal(live.Input, replayed.Input);
        Assert.Contains("\"redactions\":[", live.Entry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_JournalWrittenBeforeRedaction_RawHalfIsRedactedOnOpen_AndPairsAsALivePair()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        string key = collector.Keys[ApiKeyRole.Ingest];
        using (HttpResponseMessage request = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "live-2", PiiRequest)))
        using (HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "live-2", PiiResponse)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await collector.StopServerAsync();
        InferenceEvent raw = InferenceEventReader.ReadBinary(RawRequestHeaders("old-1"), "application/json", Encoding.UTF8.GetBytes(PiiRequest));
        await File.WriteAllBytesAsync(JournalPath(collector), PendingHalfCodec.EncodeHalf(raw, DateTimeOffset.UtcNow));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(JournalPath(collector), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        await collector.StartServerAsync();
        AssertNoPii(ReadJournal(collector));
        AssertOwnerOnly(JournalPath(collector));
        using (HttpResponseMessage late = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "old-1", PiiResponse)))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }

        await collector.StopServerAsync();
        await using SqliteLedgerStore store = await CloudEventTests.OpenStoreAsync(collector);
        Recorded live = await RecordedAsync(store, "live-2");
        Recorded replayed = await RecordedAsync(store, "old-1");
        Assert.Equal(live.Entry, replayed.Entry);
        Assert.Equal(live.Fingerprint, replayed.Fingerprint);
        Assert.Equal(live.Input, replayed.Input);
    }

    private static HeaderDictionary RawRequestHeaders(string id) => new()
    {
        ["ce-specversion"] = "1.0",
        ["ce-id"] = id,
        ["ce-source"] = KServe.Source,
        ["ce-type"] = KServe.RequestType,
        ["ce-time"] = "2026-11-23T12:00:00.000000000Z",
        ["ce-inferenceservicename"] = KServe.Service,
        ["ce-namespace"] = "default",
        ["ce-component"] = "predictor",
        ["ce-endpoint"] = string.Empty,
        ["ce-metadata"] = "{\"X-Request-Id\":[\"abc-123\"]}",
        ["traceparent"] = "00-90bdf848647d50283394155d2df58f19-84dacdfdf07cadfc-00",
    };

    private static async Task<Recorded> RecordedAsync(SqliteLedgerStore store, string requestId)
    {
        StoredEntry entry = (await store.FindByRequestIdAsync(requestId))!;
        JsonObject body = JsonNode.Parse(entry.CanonicalBytes)!.AsObject();
        body.Remove("seq");
        body.Remove("requestId");
        body.Remove("inputDigest");
        StoredInput input = (await store.GetInputAsync(entry.Seq))!;
        return new Recorded(body.ToJsonString(), entry.Columns.InputFingerprint, Encoding.UTF8.GetString(input.Input));
    }

    private static void AssertNoPii(string text)
    {
        Assert.DoesNotContain(Email, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Card, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Card.Replace(" ", "", StringComparison.Ordinal), text, StringComparison.Ordinal);
        Assert.DoesNotContain("7946 0958", text, StringComparison.Ordinal);
    }

    private static void AssertOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    private static string JournalPath(RunningCollector collector) => Path.Combine(collector.LedgerPath, PendingHalfJournal.FileName);

    private static string ReadJournal(RunningCollector collector)
    {
        using var file = new FileStream(JournalPath(collector), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file, Encoding.UTF8);
        return reader.ReadToEnd();
    }

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

    private sealed record Recorded(string Entry, string? Fingerprint, string Input);
}
