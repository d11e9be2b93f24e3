using DecisionLedger.Drift;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Drift;

/// <summary>
/// Wires the drift monitor into the collector, and serves <c>GET /v1/drift[?model=M&amp;version=V]</c> (permission
/// Monitor: monitor, auditor and admin keys) for the dashboard's drift panel: the monitor's latest report per watched
/// model version, in the shape of <c>dledger report drift --json</c>. Aggregates only, never a decision.
/// </summary>
internal static class DriftEndpoints
{
    /// <summary>Registers the monitor, its metrics, its webhook and its background loop when models are watched.</summary>
    public static void AddServices(IServiceCollection services, CollectorOptions options)
    {
        if (!options.Drift.Enabled)
        {
            return;
        }

        services.AddSingleton<DriftMetrics>();
        services.AddSingleton(provider =>
        {
            ILoggerFactory loggers = provider.GetRequiredService<ILoggerFactory>();
            DriftMetrics metrics = provider.GetRequiredService<DriftMetrics>();
            DriftWebhook? webhook = options.Drift.WebhookUrl is null ? null : new DriftWebhook(options.Drift, options.TimeProvider, metrics, loggers.CreateLogger<DriftWebhook>());
            return new DriftMonitor(options.Drift, options.TimeProvider, metrics, loggers.CreateLogger<DriftMonitor>(), webhook);
        });
        services.AddHostedService<DriftMonitorService>();
    }

    /// <summary>Maps the route.</summary>
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1/drift", Get).RequirePermission(ApiPermission.Monitor)
            .WithSummary("Drift of the watched models: per window, PSI and KS of each path against the baseline, with the alert threshold")
            .WithTags("Monitoring")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");

    private static IResult Get(HttpContext context, CollectorOptions options)
    {
        string? model = QueryValues.Text(context.Request.Query, "model");
        string? version = QueryValues.Text(context.Request.Query, "version");
        DriftMonitor? monitor = context.RequestServices.GetService<DriftMonitor>();
        IEnumerable<DriftReport> reports = (monitor?.Latest ?? [])
            .Where(r => model is null || string.Equals(r.Spec.Model, model, StringComparison.Ordinal))
            .Where(r => version is null || string.Equals(r.Spec.Version ?? "*", version, StringComparison.Ordinal));
        return JsonBody.Create(json =>
        {
            json.WriteStartObject();
            json.WriteBoolean("enabled", options.Drift.Enabled);
            json.WriteNumber("intervalSeconds", options.Drift.Interval.TotalSeconds);
            json.WriteStartArray("reports");
            foreach (DriftReport report in reports)
            {
                DriftReportJsonWriter.Write(json, report);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
