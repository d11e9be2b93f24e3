using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DecisionLedger.AspNetCore.Capture;
using DecisionLedger.Redis.Sequencing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Tests;

/// <summary>ASP.NET Core capture with <c>UseRedisBuffer</c>: real Kestrel on loopback, real Redis, a real sequencer and SQLite ledger.</summary>
public sealed class CaptureBufferTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [RedisFact]
    public async Task UseRedisBuffer_CapturedDecisionsAreRedactedInTheStream_ThenTheSequencerRecordsThem_AndVerifyPasses()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using (WebApplication app = await StartAsync(ledger.LedgerPath, scope.Options))
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            for (int i = 0; i < 5; i++)
            {
                using HttpResponseMessage response = await client.PostAsJsonAsync("/score", new ScoreRequest($"customer-{i}", 100 + i, "jane.doe@example.com"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // FailClosed answered after the XADD was acknowledged: all five are in the stream now.
            Assert.Equal(5, await scope.Db.StreamLengthAsync(scope.Keys.Stream));
            await app.StopAsync();
        }

        StreamEntry[] entries = await scope.Db.StreamRangeAsync(scope.Keys.Stream);
        var requestIds = new List<string>();
        for (int i = 0; i < entries.Length; i++)
        {
            string json = entries[i]["decision"].ToString();
            Assert.DoesNotContain("jane.doe@example.com", json, StringComparison.Ordinal);
            using JsonDocument decision = JsonDocument.Parse(json);
            JsonElement root = decision.RootElement;
            Assert.Equal("fraud_detector", root.GetProperty("model").GetProperty("name").GetString());
            Assert.Equal($"customer-{i}", root.GetProperty("input").GetProperty("customerId").GetString());
            Assert.Equal("/score", root.GetProperty("metadata").GetProperty("endpoint").GetString());
            Assert.Contains("detector:email", entries[i]["redactions"].ToString(), StringComparison.Ordinal);
            requestIds.Add(root.GetProperty("requestId").GetString()!);
        }

        await using (SequencerLedger opened = await ledger.OpenAsync())
        {
            using var sequencer = new DecisionSequencer(scope.Redis, scope.Options, ledger.Origin, "capture-test", opened.Recorder, opened.Store);
            using var stop = new CancellationTokenSource();
            Task running = sequencer.RunAsync(stop.Token);
            await Eventually.TrueAsync(() => Task.FromResult(sequencer.Recorded == 5), Patience, "the sequencer to record the five captured decisions");
            await stop.CancelAsync();
            await running;
            Assert.Equal(0, sequencer.DeadLettered);
        }

        Assert.Equal(requestIds, await ledger.VerifiedRequestIdsAsync());
    }

    [RedisFact]
    public async Task UseRedisBuffer_RedisRefusesTheWrite_FailClosedAnswers503_ProceedAndAlarmServesTheResult()
    {
        using var ledger = new TestLedger();
        await using BufferScope scope = await BufferScope.CreateAsync(Services.RequireRedis(), ledger.Origin);
        await using WebApplication app = await StartAsync(ledger.LedgerPath, scope.Options);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        // The stream key holds a string: every XADD is refused (WRONGTYPE), as Redis refuses a write it cannot take.
        await scope.Db.StringSetAsync(scope.Keys.Stream, "not a stream");

        using HttpResponseMessage closed = await client.PostAsJsonAsync("/score", new ScoreRequest("customer-1", 120.5, "jane.doe@example.com"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, closed.StatusCode);
        Assert.Equal("application/problem+json", closed.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await closed.Content.ReadAsStringAsync());
        Assert.Equal("Decision ledger unavailable", problem.RootElement.GetProperty("title").GetString());
        Assert.DoesNotContain("score", problem.RootElement.EnumerateObject().Select(p => p.Name));

        using HttpResponseMessage proceeded = await client.PostAsJsonAsync("/score-proceed", new ScoreRequest("customer-2", 120.5, "jane.doe@example.com"));
        Assert.Equal(HttpStatusCode.OK, proceeded.StatusCode);
        Assert.Equal(0.87, (await proceeded.Content.ReadFromJsonAsync<ScoreResult>())!.Score);
        Assert.Equal(RedisType.String, await scope.Db.KeyTypeAsync(scope.Keys.Stream));
    }

    [RedisFact]
    public async Task UseRedisBuffer_EmptyConfiguration_FailsAtStartNamingTheOption()
    {
        using var ledger = new TestLedger();
        var options = new RedisBufferOptions { Configuration = Services.RequireRedis() };
        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(ledger.LedgerPath, options, o => o.Configuration = " "));
        Assert.Contains("RedisBufferOptions.Configuration: required", ex.Message, StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task UseRedisBuffer_LedgerDirectoryAbsent_FailsAtStartInsteadOfCreatingAFreshKey()
    {
        using var ledger = new TestLedger();
        string absent = Path.Combine(ledger.Root, "no-such-ledger");
        var options = new RedisBufferOptions { Configuration = Services.RequireRedis() };
        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(absent, options));
        Assert.Contains("DecisionLedgerOptions.LedgerPath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("holds no ledger", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(absent));
    }

    /// <summary>A minimal API scoring endpoint per failure mode, capturing into the Redis buffer, on Kestrel at 127.0.0.1:0.</summary>
    private static async Task<WebApplication> StartAsync(string ledgerPath, RedisBufferOptions buffer, Action<RedisBufferOptions>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel();
        builder.Services.AddDecisionLedger().UseRedisBuffer(ledgerPath, o =>
        {
            o.Configuration = buffer.Configuration;
            o.KeyPrefix = buffer.KeyPrefix;
            o.CommandTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        }).AddEndpointCapture();
        WebApplication app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapPost("/score", (ScoreRequest request) => Results.Ok(new ScoreResult(0.87)))
            .RecordDecisions("fraud_detector", "3.2.1");
        app.MapPost("/score-proceed", (ScoreRequest request) => Results.Ok(new ScoreResult(0.87)))
            .RecordDecisions("fraud_detector", "3.2.1", o => o.OnLedgerFailure = LedgerFailureMode.ProceedAndAlarm);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}

/// <summary>The request body of the test scoring endpoint; <see cref="Contact"/> is an email the ledger's policy redacts.</summary>
public sealed record ScoreRequest(string CustomerId, double Amount, string Contact);

/// <summary>The response of the test scoring endpoint.</summary>
public sealed record ScoreResult(double Score);
