using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DecisionLedger.Server.Auth;

namespace DecisionLedger.Server.Tests.Docs;

/// <summary>
/// docs/capture.md prints the collector's OpenAPI path list as its example shows it; a route added
/// or removed without the doc following fails here.
/// </summary>
public sealed partial class CaptureDocOpenApiTests(CollectorFixture fixture) : IClassFixture<CollectorFixture>
{
    [Fact]
    public async Task CaptureDoc_OpenApiPathList_MatchesTheRunningCollector()
    {
        using HttpResponseMessage response = await fixture.Collector.SendAsync(HttpMethod.Get, "/openapi/v1.json", ApiKeyRole.Reader);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string[] served = [.. document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

        string expected = "# [" + string.Join(", ", served.Select(p => $"'{p}'")) + "]";
        Assert.Equal(expected, DocumentedPathList());
    }

    private static string DocumentedPathList()
    {
        string capture = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "capture.md"));
        Match list = PathListPattern().Match(capture);
        Assert.True(list.Success, "docs/capture.md: no printed OpenAPI path list (a line starting \"# ['/\") under GET /openapi/v1.json");
        return list.Value.TrimEnd('\r');
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DecisionLedger.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No DecisionLedger.slnx above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }

    [GeneratedRegex(@"^# \['/.*$", RegexOptions.Multiline)]
    private static partial Regex PathListPattern();
}
