using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DecisionLedger.Redis.Sequencing;
using DecisionLedger.Server;
using DecisionLedger.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Tests;

/// <summary>The collector in buffer mode (<c>serve --buffer redis</c>) on real Kestrel with a real Redis.</summary>
public sealed class CollectorBufferTests
{
    [RedisFact]
    public async Task Post_BuffersTheRedactedDecision_AndAnswers202WithItsBufferId()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using Collector collector = await Collector.StartAsync(ledger, scope.Options);

        using HttpResponseMessage response = await collector.PostAsync(Some.DecisionJson(1, "http-1", contact: Some.Email), "application/json");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("http-1", body.RootElement.GetProperty("requestId").GetString());
        string bufferId = body.RootElement.GetProperty("bufferId").GetString()!;
        StreamEntry[] entry = await scope.Db.StreamRangeAsync(scope.Keys.Stream, bufferId, bufferId);
        Assert.Single(entry);
        Assert.DoesNotContain("jane.doe@example.com", entry[0]["decision"].ToString(), StringComparison.Ordinal);

        // The collector never writes the ledger in buffer mode.
        Assert.Equal(0, await ledger.SizeAsync());
    }

    [RedisFact]
    public async Task Post_WithPreferWait_Answers200WithTheReceipt_OnceTheSequencerCommitted()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using Collector collector = await Collector.StartAsync(ledger, scope.Options);
        await using SequencerLedger opened = await ledger.OpenAsync();
        using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "test-consumer", opened.Recorder, opened.Store);
        using var stop = new CancellationTokenSource();
        Task running = sequencer.RunAsync(stop.Token);

        using HttpResponseMessage response = await collector.PostAsync(Some.DecisionJson(2, "http-wait", contact: Some.Email), "application/json", prefer: "wait=10");
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(text);
        Assert.Equal(0, body.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal("http-wait", body.RootElement.GetProperty("requestId").GetString());

        using HttpResponseMessage batch = await collector.PostAsync(Some.DecisionJson(3, contact: Some.Email) + "\n{\"model\":{\"name\":\"m\"}}\n" + Some.DecisionJson(4, contact: Some.Email) + "\n", "application/x-ndjson", query: "?wait=true");
        using JsonDocument batchBody = JsonDocument.Parse(await batch.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Equal([1L, 3L], batchBody.RootElement.GetProperty("receipts").EnumerateArray().Select(r => r.GetProperty("line").GetInt64()));
        JsonElement error = Assert.Single(batchBody.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(2, error.GetProperty("line").GetInt64());
        await stop.CancelAsync();
        await running;
    }

    [RedisFact]
    public async Task Post_InvalidDecision_Answers400NamingTheField_AndBuffersNothing()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using Collector collector = await Collector.StartAsync(ledger, scope.Options);

        using HttpResponseMessage response = await collector.PostAsync("{\"model\":{\"name\":\"m\"},\"input\":{},\"output\":{}}", "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("model.version", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await scope.Db.StreamLengthAsync(scope.Keys.Stream));
    }

    [RedisServerFact]
    public async Task Post_WhileRedisIsDown_Answers503SayingTheDecisionWasNotAccepted()
    {
        using PrivateRedis redis = await PrivateRedis.StartAsync(Services.RequireRedisServer());
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(redis.Configuration, ledger.Origin, o => o.CommandTimeout = TimeSpan.FromSeconds(1));
        await using Collector collector = await Collector.StartAsync(ledger, scope.Options);
        redis.Kill();

        using HttpResponseMessage response = await collector.PostAsync(Some.DecisionJson(1, contact: Some.Email), "application/json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("NOT accepted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Once Redis is back, the same collector accepts again by itself.
        await redis.StartAsync();
        await Eventually.TrueAsync(
            async () =>
            {
                using HttpResponseMessage retry = await collector.PostAsync(Some.DecisionJson(2, contact: Some.Email), "application/json");
                return retry.StatusCode == HttpStatusCode.Accepted;
            },
            TimeSpan.FromSeconds(30),
            "the collector to accept after Redis restarted");
    }

    /// <summary>A buffer-mode collector on real Kestrel; shared with <see cref="CollectorBufferCloudEventTests"/>.</summary>
    internal sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;
        private readonly string _key;

        private Collector(WebApplication app, HttpClient client, string key)
        {
            _app = app;
            _client = client;
            _key = key;
        }

        public static async Task<Collector> StartAsync(TestLedger ledger, RedisBufferOptions buffer, Action<CollectorOptions>? configure = null)
        {
            string key = new ApiKeyStore(ledger.LedgerPath).Create(ApiKeyRole.Ingest, "test-ingest").Key;
            var options = new CollectorOptions { RedisBuffer = buffer };
            configure?.Invoke(options);
            WebApplication app = CollectorApp.Build(ledger.LedgerPath, ["http://127.0.0.1:0"], options, builder => builder.Logging.ClearProviders());
            await app.StartAsync();
            string address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Collector(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) }, key);
        }

        /// <summary>The client at the collector's address, without a key.</summary>
        public HttpClient Client => _client;

        /// <summary>Sends <paramref name="request"/> with the ingest key.</summary>
        public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
            return _client.SendAsync(request);
        }

        public Task<HttpResponseMessage> PostAsync(string body, string mediaType, string? prefer = null, string query = "")
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions" + query) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
            if (prefer is not null)
            {
                request.Headers.TryAddWithoutValidation("Prefer", prefer);
            }

            return _client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
