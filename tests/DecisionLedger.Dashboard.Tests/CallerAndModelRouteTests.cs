using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Dashboard.Tests;

/// <summary><c>GET /v1/caller</c> (what the key may do) and <c>GET /v1/models</c> (the model picker's list).</summary>
public sealed class CallerAndModelRouteTests(MixedModelsCollector fixture) : IClassFixture<MixedModelsCollector>
{
    private DashboardCollector Collector => fixture.Collector;

    [Theory]
    [InlineData("reader", "read,status")]
    [InlineData("auditor", "read,status,audit,monitor")]
    [InlineData("ingest", "ingest,status")]
    [InlineData("admin", "ingest,read,status,audit,monitor")]
    public async Task Caller_OfEachRole_NamesTheRoleAndTheRoleTablesPermissions(string role, string permissions)
    {
        (HttpStatusCode status, string body) = await GetAsync("/v1/caller", KeyOf(role));

        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement caller = JsonDocument.Parse(body).RootElement;
        Assert.Equal(role, caller.GetProperty("role").GetString());
        Assert.Equal(permissions, string.Join(',', caller.GetProperty("permissions").EnumerateArray().Select(p => p.GetString())));
        Assert.Equal("dashboard-" + (role == "auditor" ? "e2e" : role), caller.GetProperty("keyName").GetString());
        Assert.StartsWith(caller.GetProperty("keyId").GetString()!, KeyOf(role)["dl_".Length..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_WithoutAKey_Is401()
    {
        (HttpStatusCode status, _) = await GetAsync("/v1/caller", null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Models_ListsEachModelWithItsVersionsAndCounts_MostRecentFirst()
    {
        (HttpStatusCode status, string body) = await GetAsync("/v1/models", Collector.ReaderKey);

        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement[] models = [.. JsonDocument.Parse(body).RootElement.GetProperty("models").EnumerateArray()];
        Assert.Equal([MlNetFraudDecisions.Model, DashboardDecisions.Model], models.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(3, models[0].GetProperty("decisions").GetInt64());
        Assert.Equal([MlNetFraudDecisions.Version], models[0].GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(MixedModelsCollector.FraudDetectorDecisions, models[1].GetProperty("decisions").GetInt64());
        Assert.Equal([DashboardDecisions.OldVersion, DashboardDecisions.NewVersion], models[1].GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(MlNetFraudDecisions.Start.AddHours(3), models[0].GetProperty("first").GetDateTimeOffset());
    }

    [Fact]
    public async Task Models_WithAnIngestKey_Is403NamingTheMissingPermission()
    {
        (HttpStatusCode status, string body) = await GetAsync("/v1/models", Collector.IngestKey);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("read decisions", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_AfterMoreDecisions_CountsOnlyTheNewOnes()
    {
        await using var collector = new DashboardCollector(4, null);
        await collector.InitializeAsync();
        JsonElement before = await ModelsAsync(collector);
        Assert.Equal(4, Assert.Single(before.EnumerateArray()).GetProperty("decisions").GetInt64());

        foreach (string requestId in new[] { "churn-1", "churn-2" })
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions")
            {
                Content = new StringContent("""{"requestId":"REQ","model":{"name":"churn","version":"0.1.0"},"input":{"tenure":3},"output":{"churn":false}}""".Replace("REQ", requestId, StringComparison.Ordinal), Encoding.UTF8, "application/json"),
            };
            post.Headers.Add("X-Api-Key", collector.IngestKey);
            using HttpResponseMessage posted = await collector.Client.SendAsync(post);
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }

        JsonElement after = await ModelsAsync(collector);

        Assert.Equal(["churn", DashboardDecisions.Model], after.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(2, after[0].GetProperty("decisions").GetInt64());
        Assert.Equal(4, after[1].GetProperty("decisions").GetInt64());
    }

    private static async Task<JsonElement> ModelsAsync(DashboardCollector collector)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("X-Api-Key", collector.ReaderKey);
        using HttpResponseMessage response = await collector.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("models");
    }

    private string KeyOf(string role) => role switch
    {
        "reader" => Collector.ReaderKey,
        "auditor" => Collector.AuditorKey,
        "ingest" => Collector.IngestKey,
        _ => Collector.AdminKey,
    };

    private async Task<(HttpStatusCode, string)> GetAsync(string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using HttpResponseMessage response = await Collector.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
