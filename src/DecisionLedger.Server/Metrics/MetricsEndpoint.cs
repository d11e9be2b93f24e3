using DecisionLedger.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace DecisionLedger.Server.Metrics;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus text exposition, by OpenTelemetry's Prometheus exporter, of the
/// <c>DecisionLedger</c> meter (recorder and CloudEvents pairing) and of ASP.NET Core's own meters.
/// </summary>
internal static class MetricsEndpoint
{
    /// <summary>The route.</summary>
    public const string Route = "/metrics";

    /// <summary>The meters exported: ours, then ASP.NET Core's (requests, Kestrel connections, routing, errors).</summary>
    public static readonly string[] Meters =
    [
        "DecisionLedger",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
    ];

    private static readonly double[] CommitSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static void AddServices(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Meters)

            // The default boundaries (0 … 10,000) suit milliseconds; a group commit takes about a millisecond to a second.
            .AddView("decisionledger.commit.duration", new ExplicitBucketHistogramConfiguration { Boundaries = CommitSeconds })
            .AddPrometheusExporter(prometheus =>
            {
                // Every scrape reads the instruments now: a cached answer would hide the request that just ended.
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                prometheus.ScrapeEndpointPath = Route;
            }));

    /// <summary>
    /// Maps the scraping endpoint behind an API key of any role (issue 5: keys on every route but health). The
    /// exporter's endpoint is a plain request delegate, where endpoint filters do not run, so the key is checked
    /// by middleware in its branch.
    /// </summary>
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPrometheusScrapingEndpoint(
                Route,
                meterProvider: null,
                configureBranchedPipeline: branch => branch.Use(ApiKeyEndpointFilter.Middleware(ApiPermission.Status)),
                optionsName: null)
            .WithMetadata(new RequiredPermission(ApiPermission.Status));
}
