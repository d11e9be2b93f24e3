using System.Globalization;
using System.Net;
using System.Text.Json;
using DecisionLedger.Server.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DecisionLedger.Server.Tests;

public sealed class MetricsAndOpenApiTests(CollectorFixture fixture) : IClassFixture<CollectorFixture>
{
    [Fact]
    public async Task Metrics_ExposeRecorderPairingAndAspNetCoreMeters()
    {
        RunningCollector collector = fixture.Collector;
        string key = collector.Keys[ApiKeyRole.Ingest];
        using (HttpResponseMessage request = await collector.Client.SendAsync(KServe.Event(key, KServe.RequestType, "metrics-1", KServe.V1Request)))
        using (HttpResponseMessage response = await collector.Client.SendAsync(KServe.Event(key, KServe.ResponseType, "metrics-1", KServe.V1Response)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using HttpResponseMessage scrape = await collector.SendAsync(HttpMethod.Get, "/metrics", ApiKeyRole.Reader);

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        string text = await scrape.Content.ReadAsStringAsync();
        Assert.True(Value(text, "decisionledger_cloudevents_paired_total") >= 1, text);
        Assert.True(Value(text, "decisionledger_entries_appended_total") >= 1, text);
        Assert.Contains("decisionledger_cloudevents_pending", text, StringComparison.Ordinal);
        Assert.Contains("decisionledger_commit_duration_seconds_bucket{otel_scope_name=\"DecisionLedger\",le=\"0.001\"}", text, StringComparison.Ordinal);
        Assert.Contains("decisionledger_batch_size_bucket", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("kestrel_active_connections", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_ParsesAndDescribesEveryMappedRoute()
    {
        RunningCollector collector = fixture.Collector;

        using HttpResponseMessage response = await collector.SendAsync(HttpMethod.Get, "/openapi/v1.json", ApiKeyRole.Reader);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        JsonElement paths = root.GetProperty("paths");

        var mapped = new List<(string Path, string Method)>();
        foreach (RouteEndpoint endpoint in collector.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            string path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
            {
                // Only the document itself and the dashboard's public static files stay out of the document.
                Assert.Contains(path, new[] { "/openapi/{documentName}.json", "/dashboard/{**path}" });
                continue;
            }

            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];

            // OpenAPI writes a catch-all parameter ({**index}, the /tlog/ tile paths) as a plain one ({index}).
            path = path.Replace("{**", "{", StringComparison.Ordinal);
            mapped.AddRange(methods.Select(method => (path, method.ToLowerInvariant())));
        }

        Assert.Contains(("/v1/cloudevents", "post"), mapped);
        Assert.Contains(("/metrics", "get"), mapped);
        Assert.True(mapped.Count >= 11, string.Join(", ", mapped));
        foreach ((string path, string method) in mapped)
        {
            JsonElement operation = default;
            Assert.True(paths.TryGetProperty(path, out JsonElement item) && item.TryGetProperty(method, out operation), $"{method.ToUpperInvariant()} {path} is not in the OpenAPI document");
            JsonElement responses = operation.GetProperty("responses");
            if (path == "/healthz")
            {
                Assert.False(operation.TryGetProperty("security", out _), "/healthz needs no key");
                continue;
            }

            // Every other route needs a key: its security and its problem-details 401 and 403 are described.
            Assert.True(operation.TryGetProperty("security", out JsonElement security) && security.GetArrayLength() == 2, $"{method} {path}: no security requirement");
            foreach (string status in new[] { "401", "403" })
            {
                Assert.True(responses.TryGetProperty(status, out JsonElement problem) && problem.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{method} {path}: no {status} problem response");
            }
        }

        JsonElement scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.True(paths.GetProperty("/v1/decisions").GetProperty("post").GetProperty("responses").GetProperty("413").GetProperty("content").TryGetProperty("application/problem+json", out _));
        JsonElement[] parameters = [.. paths.GetProperty("/v1/decisions").GetProperty("get").GetProperty("parameters").EnumerateArray()];
        Assert.Contains(parameters, p => p.GetProperty("name").GetString() == "limit" && p.GetProperty("in").GetString() == "query");
        JsonElement inclusion = Assert.Single(paths.GetProperty("/v1/proof/inclusion").GetProperty("get").GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "seq");
        Assert.True(inclusion.GetProperty("required").GetBoolean());
        Assert.Contains("ingest", paths.GetProperty("/v1/cloudevents").GetProperty("post").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static double Value(string exposition, string metric)
    {
        // e.g. decisionledger_entries_appended_total{otel_scope_name="DecisionLedger"} 3 1732363200000
        double total = 0;
        foreach (string line in exposition.Split('\n'))
        {
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is ' ' or '{')
            {
                string[] parts = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ');
                total += double.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
