using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using DecisionLedger.AspNetCore.Capture;
using DecisionLedger.Hosting;
using DecisionLedger.Decisions;
using DecisionLedger.Recording;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.AspNetCore.Tests;

// One class: the tests share the process-wide MeterListener and must not interleave.
public sealed class DecisionCaptureTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static readonly FraudRequest s_request = new("customer-1842", 120.5, "acme");

    [Fact]
    public async Task RecordDecisions_SuccessfulPrediction_RecordsInputOutputActorLatencyAndTraceparent()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
        {
            web.Use((context, next) =>
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "analyst_jane"), new Claim("tid", "emea")], "test"));
                return next(context);
            });
            web.MapPost("/predict", (FraudRequest request) => Results.Ok(new FraudScore(request.Amount > 100 ? 0.87 : 0.1, request.Amount <= 100)))
                .RecordDecisions("fraud_detector", "3.2.1", o =>
                {
                    o.TenantClaim = "tid";
                    o.SubjectSelector = (_, input) => ((JsonElement)input!).GetProperty("customerId").GetString();
                });
        });

        using var message = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = JsonContent.Create(s_request) };
        message.Headers.Add("traceparent", TraceParent);
        using HttpResponseMessage response = await app.Client.SendAsync(message);
        FraudScore? score = await response.Content.ReadFromJsonAsync<FraudScore>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new FraudScore(0.87, false), score);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal("fraud_detector", entry.ModelName);
        Assert.Equal("3.2.1", entry.Entry.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(120.5, entry.Input.GetProperty("amount").GetDouble());
        Assert.Equal("acme", entry.Input.GetProperty("merchant").GetString());
        Assert.Equal(0.87, entry.Output.GetProperty("score").GetDouble());
        Assert.False(entry.Output.GetProperty("approved").GetBoolean());
        Assert.Equal("analyst_jane", entry.Entry.GetProperty("actor").GetProperty("userId").GetString());
        Assert.Equal("emea", entry.Entry.GetProperty("actor").GetProperty("tenant").GetString());
        Assert.Equal("customer-1842", entry.Entry.GetProperty("subject").GetProperty("id").GetString());
        Assert.True(entry.Entry.GetProperty("latencyMs").GetDouble() > 0);
        Assert.Equal("/predict", entry.Metadata.GetProperty("endpoint").GetString());
        Assert.Equal(200, entry.Metadata.GetProperty("status").GetInt32());
        Assert.True(entry.Metadata.TryGetProperty("ip", out _));
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", entry.Metadata.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordDecisions_PlainObjectAndHeaderUser_RecordsSerializedValueAndHeaderUser()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/score", (FraudRequest request) => new FraudScore(0.25, true))
                .RecordDecisions("fraud_detector", "3.2.1", o => { o.UserHeader = "X-User"; o.TenantHeader = "X-Tenant"; }));

        using var message = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = JsonContent.Create(s_request) };
        message.Headers.Add("X-User", "svc-batch");
        message.Headers.Add("X-Tenant", "apac");
        using HttpResponseMessage response = await app.Client.SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal(0.25, entry.Output.GetProperty("score").GetDouble());
        Assert.Equal("svc-batch", entry.Entry.GetProperty("actor").GetProperty("userId").GetString());
        Assert.Equal("apac", entry.Entry.GetProperty("actor").GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task DecisionContext_ExplanationAndMetadataSet_LandInTheEntry()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/predict", (FraudRequest request, IDecisionContext decision) =>
            {
                decision.Explanation = new Explanation
                {
                    Method = "feature-contribution",
                    BaseValue = 0.1,
                    Attributions = new Dictionary<string, double> { ["amount"] = 0.42, ["merchant"] = -0.05 },
                };
                decision.PipelineVersion = "prep-7";
                decision.Subject = "customer-77";
                decision.Metadata["featureStore"] = "v12";
                return Results.Ok(new FraudScore(0.5, true));
            }).RecordDecisions("fraud_detector", "3.2.1"));

        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/predict", s_request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        JsonElement explanation = entry.Entry.GetProperty("explanation");
        Assert.Equal("feature-contribution", explanation.GetProperty("method").GetString());
        Assert.Equal(0.42, explanation.GetProperty("attributions").GetProperty("amount").GetDouble());
        Assert.Equal("prep-7", entry.Entry.GetProperty("model").GetProperty("pipelineVersion").GetString());
        Assert.Equal("customer-77", entry.Entry.GetProperty("subject").GetProperty("id").GetString());
        Assert.Equal("v12", entry.Metadata.GetProperty("featureStore").GetString());
    }

    [Fact]
    public async Task RecordDecisions_EndpointThrows_RecordsStatus500WithExceptionType()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/predict", IResult (FraudRequest request) => throw new InvalidOperationException("model not loaded"))
                .RecordDecisions("fraud_detector", "3.2.1"));

        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/predict", s_request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal("InvalidOperationException", entry.Output.GetProperty("error").GetString());
        Assert.Equal(500, entry.Output.GetProperty("status").GetInt32());
        Assert.Equal("acme", entry.Input.GetProperty("merchant").GetString());
    }

    [Fact]
    public async Task RecordDecisions_BadRequestResult_RecordsErrorAndStatus400()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/predict", (FraudRequest request) => Results.BadRequest("amount must be below 10000"))
                .RecordDecisions("fraud_detector", "3.2.1"));

        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/predict", s_request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        RecordedEntry entry = Assert.Single(await app.StopAndReadAsync());
        Assert.Equal("amount must be below 10000", entry.Output.GetProperty("error").GetString());
        Assert.Equal(400, entry.Output.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task RecordDecisions_SampleRateZero_RecordsOnlyForcedAndFailedAndReportsSampledOutOnShutdown()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/predict", (FraudRequest request) => request.Amount < 0 ? Results.BadRequest("negative amount") : Results.Ok(new FraudScore(0.1, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o =>
                {
                    o.SampleRate = 0;
                    o.AlwaysRecord = context => context.Request.Headers.ContainsKey("X-Audit");
                }));

        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage sampledOut = await app.Client.PostAsJsonAsync("/predict", s_request);
            Assert.Equal(HttpStatusCode.OK, sampledOut.StatusCode);
        }

        using var forced = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = JsonContent.Create(s_request) };
        forced.Headers.Add("X-Audit", "1");
        using HttpResponseMessage forcedResponse = await app.Client.SendAsync(forced);
        using HttpResponseMessage failed = await app.Client.PostAsJsonAsync("/predict", s_request with { Amount = -1 });

        IReadOnlyList<RecordedEntry> entries = await app.StopAndReadAsync();
        Assert.Equal(3, entries.Count);
        Assert.Equal(2, entries.Count(e => e.ModelName == "fraud_detector"));
        Assert.Contains(entries, e => e.ModelName == "fraud_detector" && e.Output.TryGetProperty("error", out _));
        RecordedEntry report = Assert.Single(entries, e => e.ModelName == "decisionledger.sampling");
        Assert.Equal("/predict", report.Output.GetProperty("endpoint").GetString());
        Assert.Equal(3, report.Output.GetProperty("sampledOut").GetInt64());
        Assert.True(report.Output.GetProperty("since").GetDateTimeOffset() <= report.Output.GetProperty("until").GetDateTimeOffset());
    }

    [Fact]
    public async Task RecordDecisions_OnGroupAndEndpoint_RecordsOnceWithEndpointModel()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
        {
            RouteGroupBuilder models = web.MapGroup("/models").RecordDecisions("group_model", "1.0");
            models.MapPost("/fraud", (FraudRequest request) => Results.Ok(new FraudScore(0.3, true))).RecordDecisions("fraud_detector", "3.2.1");
            models.MapPost("/churn", (FraudRequest request) => Results.Ok(new FraudScore(0.6, false)));
        });

        using HttpResponseMessage fraud = await app.Client.PostAsJsonAsync("/models/fraud", s_request);
        using HttpResponseMessage churn = await app.Client.PostAsJsonAsync("/models/churn", s_request);

        IReadOnlyList<RecordedEntry> entries = await app.StopAndReadAsync();
        Assert.Equal(2, entries.Count);
        Assert.Equal("fraud_detector", entries.Single(e => e.Metadata.GetProperty("endpoint").GetString() == "/models/fraud").ModelName);
        RecordedEntry group = entries.Single(e => e.Metadata.GetProperty("endpoint").GetString() == "/models/churn");
        Assert.Equal("group_model", group.ModelName);
        Assert.Equal("acme", group.Input.GetProperty("merchant").GetString());
    }

    [Fact]
    public async Task SamplingReport_IntervalElapses_WritesContiguousWindowsWithCounts()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using LedgerApp app = await LedgerApp.StartAsync(
            web => web.MapPost("/rank", (FraudRequest request) => Results.Ok(new FraudScore(0.1, true)))
                .RecordDecisions("ranker", "7.0", o => o.SampleRate = 0),
            o => o.SamplingReportInterval = TimeSpan.FromMinutes(1),
            builder => builder.Services.AddSingleton<TimeProvider>(time));

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/rank", s_request);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        using HttpResponseMessage last = await app.Client.PostAsJsonAsync("/rank", s_request);

        IReadOnlyList<RecordedEntry> reports = await app.StopAndReadAsync();
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.Equal("decisionledger.sampling", r.ModelName));
        Assert.Equal([2L, 1L], reports.Select(r => r.Output.GetProperty("sampledOut").GetInt64()));
        Assert.Equal("ranker", reports[0].Input.GetProperty("model").GetString());
        Assert.Equal(0, reports[0].Input.GetProperty("sampleRate").GetDouble());
        Assert.Equal(reports[0].Output.GetProperty("until").GetString(), reports[1].Output.GetProperty("since").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 1, 0, TimeSpan.Zero), reports[0].Output.GetProperty("until").GetDateTimeOffset());
    }

    [Fact]
    public async Task StopAsync_ProceedAndAlarmRequests_DrainsEveryAcceptedDecision()
    {
        const int requests = 40;
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/predict", (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o => o.OnLedgerFailure = LedgerFailureMode.ProceedAndAlarm));

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => app.Client.PostAsJsonAsync("/predict", s_request)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(requests, (await app.StopAndReadAsync()).Count);
    }

    [Fact]
    public async Task RecordDecisions_FailClosedAndLedgerFailed_Returns503ProblemDetails()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/predict", (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1"));
        await ((IAsyncDisposable)app.App.Services.GetRequiredService<IDecisionRecorder>()).DisposeAsync();

        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/predict", s_request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Decision ledger unavailable", problem.RootElement.GetProperty("title").GetString());
        Assert.DoesNotContain("score", problem.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordDecisions_ProceedAndAlarmAndLedgerFailed_ServesResultAndCountsFailure()
    {
        using var failures = new FailureCounter();
        await using LedgerApp app = await LedgerApp.StartAsync(web =>
            web.MapPost("/alarm", (FraudRequest request) => Results.Ok(new FraudScore(0.3, true)))
                .RecordDecisions("fraud_detector", "3.2.1", o => o.OnLedgerFailure = LedgerFailureMode.ProceedAndAlarm));
        await ((IAsyncDisposable)app.App.Services.GetRequiredService<IDecisionRecorder>()).DisposeAsync();

        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/alarm", s_request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0.3, (await response.Content.ReadFromJsonAsync<FraudScore>())!.Score);
        Assert.True(await failures.WaitForAsync("/alarm", TimeSpan.FromSeconds(10)), "decisionledger.capture.failures was not incremented");
    }

    [Fact]
    public async Task AddDecisionLedger_CalledTwice_RegistersOnceAndRecordsOnce()
    {
        await using LedgerApp app = await LedgerApp.StartAsync(
            web => web.MapPost("/predict", (FraudRequest request) => Results.Ok(new FraudScore(0.3, true))).RecordDecisions("fraud_detector", "3.2.1"),
            services: builder => builder.Services.AddDecisionLedger(o => o.SamplingReportInterval = TimeSpan.FromMinutes(5)));

        Assert.Single(app.App.Services.GetServices<IHostedService>().OfType<DecisionLedgerHost>());
        Assert.Equal(TimeSpan.FromMinutes(5), app.App.Services.GetRequiredService<IOptions<DecisionLedgerOptions>>().Value.SamplingReportInterval);
        using HttpResponseMessage response = await app.Client.PostAsJsonAsync("/predict", s_request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await app.StopAndReadAsync());
    }

    [Fact]
    public async Task AddDecisionLedger_WithoutUseSqlite_FailsAtStartNamingTheFix()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddDecisionLedger();
        await using WebApplication app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");

        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("UseSqlite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordDecisions_SampleRateOutOfRange_ThrowsNamingTheOption()
    {
        WebApplication app = WebApplication.CreateSlimBuilder().Build();

        ArgumentException ex = Assert.Throws<ArgumentException>(() =>
            app.MapPost("/predict", () => Results.Ok()).RecordDecisions("fraud_detector", "3.2.1", o => o.SampleRate = 1.5));

        Assert.Contains("SampleRate", ex.Message, StringComparison.Ordinal);
    }
}
