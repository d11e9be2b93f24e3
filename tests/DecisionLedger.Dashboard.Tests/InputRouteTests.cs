using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Dashboard.Tests;

public sealed class InputRouteTests(DashboardCollector collector) : IClassFixture<DashboardCollector>
{
    [Fact]
    public async Task Input_OfARecordedDecision_IsTheRedactedInputItsEntryCommitsTo()
    {
        JsonElement entry = await GetJsonAsync("/v1/decisions/req-00007", collector.ReaderKey);

        JsonElement body = await GetJsonAsync("/v1/decisions/req-00007/input", collector.ReaderKey);

        Assert.Equal("stored", body.GetProperty("state").GetString());
        Assert.Equal(entry.GetProperty("seq").GetInt64(), body.GetProperty("seq").GetInt64());
        byte[] input = Encoding.UTF8.GetBytes(body.GetProperty("input").GetString()!);
        byte[] salt = Convert.FromBase64String(body.GetProperty("salt").GetString()!);
        Assert.Equal(entry.GetProperty("inputDigest").GetString(), Convert.ToHexStringLower(SHA256.HashData([.. salt, .. input])));
        string email = JsonDocument.Parse(input).RootElement.GetProperty("customer").GetProperty("email").GetString()!;
        Assert.DoesNotContain("@example.com", email, StringComparison.Ordinal);
        Assert.Contains(entry.GetProperty("redactions").EnumerateArray(), r => r.GetProperty("path").GetString() == "input.customer.email");
    }

    [Fact]
    public async Task Input_IsRecordedInTheAccessLog()
    {
        await GetJsonAsync("/v1/decisions/req-00011/input", collector.ReaderKey);

        JsonElement log = await GetJsonAsync("/v1/access-log?requestId=req-00011", collector.AuditorKey);

        Assert.Contains(log.GetProperty("entries").EnumerateArray(), r => r.GetProperty("route").GetString() == "GET /v1/decisions/{requestId}/input");
    }

    [Fact]
    public async Task Input_OfAnUnknownRequestId_Is404NamingIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/decisions/no-such-id/input");
        request.Headers.Add("X-Api-Key", collector.ReaderKey);

        using HttpResponseMessage response = await collector.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no-such-id", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetJsonAsync(string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", key);
        using HttpResponseMessage response = await collector.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
