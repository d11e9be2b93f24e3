using System.Net;
using System.Text.Json;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// <c>POST /v1/cloudevents</c> is under the same ingest admission as <c>POST /v1/decisions</c> (issue 12, "Load
/// shedding"): beyond MaxConcurrentIngestRequests and its queue a CloudEvent is turned away at once with 503,
/// <c>Retry-After</c> and a problem detail, counted as <c>overloaded</c>, and nothing of it is held.
/// </summary>
public sealed class CloudEventAdmissionTests
{
    [Fact]
    public async Task PostCloudEvent_WhileTheOnlyIngestPermitIsHeld_503RetryAfterProblem_CountedOverloaded_NothingPending()
    {
        GatedStore? gate = null;
        var options = new CollectorOptions
        {
            MaxConcurrentIngestRequests = 1,
            MaxQueuedIngestRequests = 0,
            StoreFactory = GatedStore.SqliteFactory(held => gate = held),
        };
        await using RunningCollector collector = await RunningCollector.StartAsync(options);

        // The decision holds the only permit from admission until its commit, which the gate holds: once its
        // append reached the gate, the permit is taken, whatever the timing.
        Task<HttpResponseMessage> holder = collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(1, "holder")));
        await gate!.Reached.WaitAsync(TimeSpan.FromSeconds(60));

        using HttpResponseMessage refused = await collector.Client.SendAsync(KServe.Event(collector.Keys[ApiKeyRole.Ingest], KServe.RequestType, "shed-ce", KServe.V1Request));

        string text = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, text);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        string detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith("POST /v1/cloudevents:", detail, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrentIngestRequests", detail, StringComparison.Ordinal);

        gate.Open();
        using (HttpResponseMessage admitted = await holder)
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        // The refused half was never read: its partner now waits alone (202 pending), it does not pair.
        using HttpResponseMessage partner = await collector.Client.SendAsync(KServe.Event(collector.Keys[ApiKeyRole.Ingest], KServe.ResponseType, "shed-ce", KServe.V1Response));
        Assert.Equal(HttpStatusCode.Accepted, partner.StatusCode);
        Assert.Contains("\"pending\"", await partner.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using HttpResponseMessage scrape = await collector.SendAsync(HttpMethod.Get, "/metrics", ApiKeyRole.Reader);
        Assert.Matches("decisionledger_rejections_total\\{[^}]*reason=\"overloaded\"[^}]*\\} [1-9]", await scrape.Content.ReadAsStringAsync());
    }
}
