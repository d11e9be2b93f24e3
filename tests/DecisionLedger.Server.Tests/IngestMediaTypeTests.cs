using System.Net;
using System.Text;
using System.Text.Json;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// A wrong or missing Content-Type on an ingest route gets a 415 problem that names the accepted media types
/// (issue 13, "First-hour papercuts": <c>curl -d</c> sends application/x-www-form-urlencoded, and got a bare 415).
/// </summary>
public sealed class IngestMediaTypeTests
{
    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task PostDecisions_WrongOrNoContentType_415NamingJsonAndNdjson(string? contentType)
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Some.DecisionJson(1, "media-1")));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, content);

        JsonElement problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith($"Content-Type: '{contentType ?? "(none)"}' is not accepted", detail, StringComparison.Ordinal);
        Assert.Contains("application/json", detail, StringComparison.Ordinal);
        Assert.Contains("application/x-ndjson", detail, StringComparison.Ordinal);
        Assert.Equal(["application/json", "application/x-ndjson"], problem.GetProperty("accepted").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task PostCloudEvents_NoCeHeadersFormEncoded_415NamingBothModes()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using var content = new StringContent("{\"instances\":[[1,2]]}", Encoding.UTF8, "application/x-www-form-urlencoded");

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/cloudevents", ApiKeyRole.Ingest, content);

        JsonElement problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/cloudevents+json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("ce-specversion", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("application/cloudevents+json", problem.GetProperty("accepted").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task PostCloudEvents_BatchedMode_415ListsTheAcceptedModes()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        using var content = new StringContent("[]", Encoding.UTF8, "application/cloudevents-batch+json");

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Post, "/v1/cloudevents", ApiKeyRole.Ingest, content);

        JsonElement problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/cloudevents+json", problem.GetProperty("accepted").EnumerateArray().Select(t => t.GetString()));
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
