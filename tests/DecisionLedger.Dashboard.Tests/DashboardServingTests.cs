using System.Net;
using System.Reflection;
using System.Text;
using DecisionLedger.Server.Dashboard;

namespace DecisionLedger.Dashboard.Tests;

public sealed class DashboardServingTests(DashboardCollector collector) : IClassFixture<DashboardCollector>
{
    private const string ExpectedPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    [Theory]
    [InlineData("/dashboard/", "text/html")]
    [InlineData("/dashboard/index.html", "text/html")]
    [InlineData("/dashboard/app.css", "text/css")]
    [InlineData("/dashboard/js/app.js", "text/javascript")]
    [InlineData("/dashboard/js/merkle.js", "text/javascript")]
    public async Task Asset_WithoutKey_IsServedWithStrictPolicy(string path, string mediaType)
    {
        using HttpResponseMessage response = await collector.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ExpectedPolicy, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", string.Join(", ", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", string.Join(", ", response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Asset_WithMatchingETag_Is304()
    {
        using HttpResponseMessage first = await collector.Client.GetAsync("/dashboard/app.css");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.css");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using HttpResponseMessage second = await collector.Client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task UnknownFile_Is404NamingThePath()
    {
        using HttpResponseMessage response = await collector.Client.GetAsync("/dashboard/../ledger.db");
        using HttpResponseMessage other = await collector.Client.GetAsync("/dashboard/secret.json");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Contains("/dashboard/secret.json", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardWithoutSlash_RedirectsToIndex()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = collector.Client.BaseAddress };

        using HttpResponseMessage response = await client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public void EmbeddedAssets_NeverParseDataAsHtml_AndHaveNoInlineScript()
    {
        Assembly assembly = typeof(DashboardEndpoints).Assembly;
        string[] names = assembly.GetManifestResourceNames().Where(n => n.StartsWith("dashboard/", StringComparison.Ordinal)).ToArray();
        Assert.Contains("dashboard/index.html", names);
        Assert.Contains("dashboard/js/charts.js", names);
        foreach (string name in names)
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!, Encoding.UTF8);
            // The SVG namespace is a name, not a fetched address.
            string text = reader.ReadToEnd().Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal);

            // Ledger data reaches the page only through text nodes and attributes.
            foreach (string sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "http://", "https://" })
            {
                Assert.False(text.Contains(sink, StringComparison.Ordinal), $"{name} uses {sink}");
            }
        }

        using var index = new StreamReader(assembly.GetManifestResourceStream("dashboard/index.html")!, Encoding.UTF8);
        string html = index.ReadToEnd();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }
}
