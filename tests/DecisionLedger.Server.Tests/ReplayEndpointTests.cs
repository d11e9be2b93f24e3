using System.Net;
using System.Text.Json;
using DecisionLedger.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Tests;

/// <summary><c>POST /v1/replays</c> (issue 17): the replay engine behind the collector, against a real HTTP model.</summary>
public sealed class ReplayEndpointTests
{
    [Fact]
    public async Task Replays_AllowedEndpoint_ReportsMatchedAndDiffered_AndRecordsAReplayEvent()
    {
        // The seeds' outputs are {"label":"legit","score":0.12}; today's model says 0.5 for amounts above 2.
        await using WebApplication model = await StartModelAsync(amount => amount > 2 ? 0.5 : 0.12);
        string url = model.Urls.First() + "/score";
        var options = new CollectorOptions();
        options.ReplayEndpoints.Add(model.Urls.First() + "/");
        await using RunningCollector collector = await RunningCollector.StartAsync(options);

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/replays", ApiKeyRole.Auditor,
            RunningCollector.Json($"{{\"model\":\"fraud_detector\",\"endpoint\":\"{url}\",\"tolerances\":{{\"output.score\":0.001}}}}"));

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using JsonDocument report = JsonDocument.Parse(body);
        JsonElement root = report.RootElement;
        Assert.Equal(2, root.GetProperty("matched").GetInt32());
        Assert.Equal(1, root.GetProperty("differed").GetInt32());
        JsonElement differed = Assert.Single(root.GetProperty("results").EnumerateArray(), r => r.GetProperty("outcome").GetString() == "differed");
        Assert.Equal(2, differed.GetProperty("seq").GetInt64());
        Assert.Equal("output.score", Assert.Single(differed.GetProperty("differences").EnumerateArray()).GetProperty("path").GetString());
        Assert.Equal(RunningCollector.SeedCount, root.GetProperty("eventSeq").GetInt64());
        Assert.Equal("0.001", root.GetProperty("parameters").GetProperty("tolerance:output.score").GetString());
    }

    [Theory]
    [InlineData("{\"seq\":0,\"endpoint\":\"http://127.0.0.1:9/elsewhere\"}", "endpoint:")]
    [InlineData("{\"seq\":0,\"artifacts\":true}", "artifacts:")]
    [InlineData("{\"seq\":0}", "endpoint, artifacts")]
    [InlineData("{\"endpoint\":\"http://127.0.0.1:9/x\"}", "--seq, --request-id, --model")]
    [InlineData("{\"seq\":\"zero\",\"artifacts\":true}", "seq:")]
    [InlineData("{\"seq\":0,\"artifacts\":true,\"colour\":1}", "colour:")]
    [InlineData("{\"seq\":0,\"artifacts\":true,\"tolerances\":{\"output.score\":\"x\"}}", "tolerances.output.score")]
    [InlineData("[1]", "body:")]
    public async Task Replays_BadRequest_Answers400NamingTheField(string request, string named)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/replays", ApiKeyRole.Auditor, RunningCollector.Json(request));

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Contains(named, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replays_ReaderKey_IsForbidden()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/replays", ApiKeyRole.Reader, RunningCollector.Json("{\"seq\":0,\"artifacts\":true}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static async Task<WebApplication> StartModelAsync(Func<double, double> score)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPost("/score", async (HttpContext context) =>
        {
            using JsonDocument input = await JsonDocument.ParseAsync(context.Request.Body);
            return Results.Json(new { label = "legit", score = score(input.RootElement.GetProperty("amount").GetDouble()) });
        });
        await app.StartAsync();
        return app;
    }
}
