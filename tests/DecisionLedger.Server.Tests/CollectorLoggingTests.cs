using System.Net;
using DecisionLedger.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Tests;

/// <summary>
/// The collector is quiet by default (issue 13, "First-hour papercuts": about six Information lines per request):
/// a request writes no line below Warning, and configuration turns the levels up.
/// </summary>
public sealed class CollectorLoggingTests
{
    [Fact]
    public async Task Requests_ByDefault_WriteNoInformationLines()
    {
        await using RunningCollector collector = await RunningCollector.StartAsync();
        int atStart = collector.Logs.Entries.Count;

        using (HttpResponseMessage recorded = await collector.SendAsync(HttpMethod.Post, "/v1/decisions", ApiKeyRole.Ingest, RunningCollector.Json(Some.DecisionJson(1, "quiet-1"))))
        {
            Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        }

        using (HttpResponseMessage read = await collector.SendAsync(HttpMethod.Get, "/v1/decisions/quiet-1", ApiKeyRole.Reader))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var lines = collector.Logs.Entries.Skip(atStart).Where(e => e.Level < LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message}").ToList();
        Assert.True(lines.Count == 0, "lines below Warning for two requests:\n" + string.Join("\n", lines));
    }

    [Fact]
    public async Task Requests_WithLevelsTurnedUp_WriteAspNetCoreInformationLines()
    {
        await using RunningCollector seeded = await RunningCollector.StartAsync();
        await seeded.StopServerAsync();
        var logs = new ListLoggerProvider();
        await using WebApplication app = CollectorApp.Build(seeded.LedgerPath, ["http://127.0.0.1:0"], null, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Configuration.AddInMemoryCollection(CollectorLogging.All(LogLevel.Information));
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        using (HttpResponseMessage response = await client.SendAsync(seeded.Request(HttpMethod.Get, "/v1/decisions/seed-0", seeded.Keys[ApiKeyRole.Reader])))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await app.StopAsync();
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
