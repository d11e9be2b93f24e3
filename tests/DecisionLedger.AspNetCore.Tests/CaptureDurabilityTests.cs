using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DecisionLedger.AspNetCore.Capture;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace DecisionLedger.AspNetCore.Tests;

// Each test uses its own endpoint path, so the process-wide failure counter tells them apart.
public sealed class CaptureDurabilityTests
{
    private static readonly FraudRequest s_request = new("customer-1842", 120.5, "acme");

    [Fact]
    public async Task Enqueued_CommitBlocked_RespondsBeforeCommitAndRecordsAfterDrain()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/enqueued", (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1"));
        var recorder = (DecisionRecorder)app.App.Services.GetRequiredService<IDecisionRecorder>();

        await using (LedgerWriteLock writeLock = await LedgerWriteLock.TakeAsync(app.LedgerPath))
        {
            using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/enqueued", s_request);

            // The database is locked, so no commit can have happened: the response did not wait for one.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(0, recorder.DurableSize);
        }

        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal("/enqueued", entry.Metadata.GetProperty("endpoint").GetString());
        Assert.Equal(0.3, entry.Output.GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task Committed_Response_LeavesOnlyOnceTheDecisionIsDurable()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/committed", (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o => o.Durability = CaptureDurability.Committed));
        var recorder = (DecisionRecorder)app.App.Services.GetRequiredService<IDecisionRecorder>();

        Task<HttpResponseMessage> pending;
        await using (LedgerWriteLock writeLock = await LedgerWriteLock.TakeAsync(app.LedgerPath))
        {
            pending = app.Client.PostAsJsonAsync("/committed", s_request);

            // While the database is locked the commit cannot happen, so neither can the response.
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.False(pending.IsCompleted, "the response left before its decision was committed");
        }

        using HttpResponseMessage response = await pending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, recorder.DurableSize);
        Assert.Single(await app.StopAndReadAsync());
    }

    [Theory]
    [InlineData(CaptureDurability.Enqueued)]
    [InlineData(CaptureDurability.Committed)]
    public async Task RecorderStopped_FailClosed_Answers503AndProceedAndAlarm_ServesAndCounts(CaptureDurability durability)
    {
        using var failures = new FailureCounter();
        string closed = $"/stopped-closed-{durability}";
        string proceed = $"/stopped-proceed-{durability}";
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
        {
            web.MapPost(closed, (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o => o.Durability = durability);
            web.MapPost(proceed, (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o =>
                {
                    o.Durability = durability;
                    o.OnLedgerFailure = LedgerFailureMode.ProceedAndAlarm;
                });
        });
        await ((IAsyncDisposable)app.App.Services.GetRequiredService<IDecisionRecorder>()).DisposeAsync();

        using HttpResponseMessage withheld = await app.Client.PostAsJsonAsync(closed, s_request);
        using HttpResponseMessage served = await app.Client.PostAsJsonAsync(proceed, s_request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, withheld.StatusCode);
        Assert.Equal("application/problem+json", withheld.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await withheld.Content.ReadAsStringAsync());
        Assert.Equal("Decision ledger unavailable", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(1, failures.Count(closed, "before_response"));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(0.3, (await served.Content.ReadFromJsonAsync<FraudScore>())!.Score);
        Assert.Equal(1, failures.Count(proceed, "before_response"));
    }

    [Fact]
    public async Task Enqueued_CommitFailsAfterResponse_RaisesTheAlarmAndLaterDecisionsAreRecorded()
    {
        using var failures = new FailureCounter();
        await using LedgerApp app = await LedgerApp.StartAsync(
            web => web.MapPost("/commit-fails", (FraudRequest request) => Results.Ok(new FraudScore(request.Amount, true)))
                .RecordDecisions("fraud_detector", "3.2.1"),
            o => o.Recorder.AppendRetryDelay = TimeSpan.FromMilliseconds(10));
        string database = LedgerDirectory.Open(app.LedgerPath).DatabasePath;
        await ExecuteAsync(database, "CREATE TRIGGER refuse_entries BEFORE INSERT ON entries BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");

        using HttpResponseMessage served = await app.Client.PostAsJsonAsync("/commit-fails", s_request with { Amount = 1 });

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.True(await failures.WaitForAsync("/commit-fails", TimeSpan.FromSeconds(30), "after_response"), "a commit failure after the response raised no alarm");

        await ExecuteAsync(database, "DROP TRIGGER refuse_entries;");
        using HttpResponseMessage recorded = await app.Client.PostAsJsonAsync("/commit-fails", s_request with { Amount = 2 });
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal(2, entry.Output.GetProperty("score").GetDouble());
        Assert.Equal(1, failures.Count("/commit-fails"));
    }

    [Theory]
    [InlineData(QueueFullPolicy.Wait)]
    [InlineData(QueueFullPolicy.Reject)]
    public async Task QueueFull_FailClosed_Answers503AndEveryServedDecisionIsRecorded(QueueFullPolicy policy)
    {
        using var failures = new FailureCounter();
        string path = $"/queue-full-closed-{policy}";
        await using LedgerApp app = await LedgerApp.StartAsync(
            web => web.MapPost(path, (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o => o.RecordTimeout = TimeSpan.FromMilliseconds(50)),
            o =>
            {
                o.Recorder.QueueCapacity = 1;
                o.Recorder.QueueFullPolicy = policy;
            });

        int served = 0;
        HttpStatusCode last = HttpStatusCode.OK;
        await using (LedgerWriteLock writeLock = await LedgerWriteLock.TakeAsync(app.LedgerPath))
        {
            // The committer is stuck on the lock, the builder on the full hand-off, so the queue fills within a few requests.
            for (int i = 0; i < 20 && last == HttpStatusCode.OK; i++)
            {
                using HttpResponseMessage response = await app.Client.PostAsJsonAsync(path, s_request);
                last = response.StatusCode;
                served += last == HttpStatusCode.OK ? 1 : 0;
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, last);
        Assert.Equal(1, failures.Count(path, "before_response"));
        Assert.Equal(served, (await app.StopAndReadAsync()).Count);
    }

    [Fact]
    public async Task QueueFull_ProceedAndAlarm_ServesEveryRequestAndCountsTheUnrecorded()
    {
        using var failures = new FailureCounter();
        await using LedgerApp app = await LedgerApp.StartAsync(
            web => web.MapPost("/queue-full-proceed", (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o => o.OnLedgerFailure = LedgerFailureMode.ProceedAndAlarm),
            o =>
            {
                o.Recorder.QueueCapacity = 1;
                o.Recorder.QueueFullPolicy = QueueFullPolicy.Reject;
            });

        const int requests = 12;
        await using (LedgerWriteLock writeLock = await LedgerWriteLock.TakeAsync(app.LedgerPath))
        {
            for (int i = 0; i < requests; i++)
            {
                using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/queue-full-proceed", s_request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        long unrecorded = failures.Count("/queue-full-proceed", "before_response");
        Assert.True(unrecorded > 0, "a full queue raised no alarm");
        Assert.Equal(requests - unrecorded, (await app.StopAndReadAsync()).Count);
    }

    [Fact]
    public void RecordDecisions_UnknownDurability_ThrowsNamingTheOption()
    {
        WebApplication app = WebApplication.CreateSlimBuilder().Build();

        ArgumentException ex = Assert.Throws<ArgumentException>(() =>
            app.MapPost("/predict", () => Results.Ok()).RecordDecisions("fraud_detector", "3.2.1", o => o.Durability = (CaptureDurability)7));

        Assert.Contains("DecisionCaptureOptions.Durability", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Enqueued or Committed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecisionCaptureOptions_Defaults_AreEnqueuedAndFailClosed()
    {
        var options = new DecisionCaptureOptions();

        Assert.Equal(CaptureDurability.Enqueued, options.Durability);
        Assert.Equal(LedgerFailureMode.FailClosed, options.OnLedgerFailure);
    }

    private static async Task ExecuteAsync(string databasePath, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
