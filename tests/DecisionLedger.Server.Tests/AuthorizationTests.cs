using System.Net;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests;

public sealed class AuthorizationTests(CollectorFixture fixture) : IClassFixture<CollectorFixture>
{
    // The role table of DESIGN.md (Security), written out here rather than derived from the code under test.
    private static readonly string[] IngestRoles = ["ingest", "admin"];
    private static readonly string[] ReadRoles = ["reader", "auditor", "admin"];
    private static readonly string[] AuditRoles = ["auditor", "admin"];
    private static readonly string[] AnyRole = ["ingest", "reader", "auditor", "admin"];

    private static readonly (string Name, HttpMethod Method, string Path, string[]? Allowed)[] Routes =
    [
        ("post", HttpMethod.Post, "/v1/decisions", IngestRoles),
        ("query", HttpMethod.Get, "/v1/decisions?limit=2", ReadRoles),
        ("show", HttpMethod.Get, "/v1/decisions/seed-0", ReadRoles),
        ("checkpoint", HttpMethod.Get, "/v1/checkpoint", AuditRoles),
        ("inclusion", HttpMethod.Get, "/v1/proof/inclusion?seq=0", AuditRoles),
        ("consistency", HttpMethod.Get, "/v1/proof/consistency?from=1&to=2", AuditRoles),
        ("access-log", HttpMethod.Get, "/v1/access-log", AuditRoles),
        ("cloudevents", HttpMethod.Post, "/v1/cloudevents", IngestRoles),
        ("report-usage", HttpMethod.Get, "/v1/reports/usage?model=fraud_detector", AuditRoles),
        ("report-version-timeline", HttpMethod.Get, "/v1/reports/version-timeline?model=fraud_detector", AuditRoles),
        ("report-data-access", HttpMethod.Get, "/v1/reports/data-access", AuditRoles),
        ("report-access-log", HttpMethod.Get, "/v1/reports/access-log?format=csv", AuditRoles),
        ("readyz", HttpMethod.Get, "/readyz", AnyRole),
        ("metrics", HttpMethod.Get, "/metrics", AnyRole),
        ("openapi", HttpMethod.Get, "/openapi/v1.json", AnyRole),
        ("healthz", HttpMethod.Get, "/healthz", null),
        ("verification", HttpMethod.Get, "/v1/verification", AuditRoles),
        ("input", HttpMethod.Get, "/v1/decisions/seed-0/input", ReadRoles),
        ("dashboard", HttpMethod.Get, "/dashboard/", null),
        ("dashboard-asset", HttpMethod.Get, "/dashboard/js/app.js", null),
    ];

    private static readonly string[] Callers = ["ingest", "reader", "auditor", "admin", "admin-x-api-key", "none", "wrong", "malformed", "revoked"];

    private static int _counter;

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in Routes)
        {
            foreach (string caller in Callers)
            {
                data.Add(route.Name, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Route_Caller_GetsStatusOfRoleTable(string routeName, string caller)
    {
        var route = Routes.Single(r => r.Name == routeName);
        RunningCollector collector = fixture.Collector;
        HttpContent? content = route.Method == HttpMethod.Post && route.Name != "cloudevents"
            ? RunningCollector.Json(Some.DecisionJson(1000 + Interlocked.Increment(ref _counter)))
            : null;
        using HttpRequestMessage request = route.Name == "cloudevents"
            ? KServe.Event(null, KServe.RequestType, "auth-" + Interlocked.Increment(ref _counter), KServe.V1Request)
            : new HttpRequestMessage(route.Method, route.Path) { Content = content };
        string id = collector.KeyStore.List().First(k => k.Role == "admin" && k.Revoked is null).Id;
        switch (caller)
        {
            case "none":
                break;
            case "wrong":
                request.Headers.Add("Authorization", $"Bearer dl_{id}_0000000000000000000000000000000000000000000000");
                break;
            case "malformed":
                request.Headers.Add("X-Api-Key", "not-a-key");
                break;
            case "revoked":
                request.Headers.Add("Authorization", "Bearer " + collector.RevokedKey);
                break;
            case "admin-x-api-key":
                request.Headers.Add("X-Api-Key", collector.Keys[ApiKeyRole.Admin]);
                break;
            default:
                request.Headers.Add("Authorization", "Bearer " + collector.Keys[ApiKeyRoles.Parse(caller)]);
                break;
        }

        using HttpResponseMessage response = await collector.Client.SendAsync(request);

        HttpStatusCode expected = Expected(route.Allowed, caller);
        if (expected == HttpStatusCode.OK && route.Name == "cloudevents")
        {
            expected = HttpStatusCode.Accepted; // a lone half is held for its partner
        }

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{routeName} as {caller}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static HttpStatusCode Expected(string[]? allowed, string caller)
    {
        if (allowed is null)
        {
            return HttpStatusCode.OK;
        }

        if (caller is "none" or "wrong" or "malformed" or "revoked")
        {
            return HttpStatusCode.Unauthorized;
        }

        string role = caller == "admin-x-api-key" ? "admin" : caller;
        return allowed.Contains(role) ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
    }
}
