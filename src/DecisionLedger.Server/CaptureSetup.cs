using DecisionLedger.Server.CloudEvents;
using DecisionLedger.Server.Metrics;
using DecisionLedger.Server.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DecisionLedger.Server;

/// <summary>The collector's CloudEvents input, <c>/metrics</c> and OpenAPI document, registered in one place.</summary>
internal static class CaptureSetup
{
    /// <summary>Registers the services; call after the ledger's hosted service (see <see cref="InferencePairer.StoppedAsync"/>).</summary>
    public static void AddServices(IServiceCollection services, CollectorOptions options)
    {
        CloudEventEndpoints.AddServices(services, options);
        MetricsEndpoint.AddServices(services);
        CollectorOpenApi.AddServices(services);
    }

    /// <summary>Maps <c>POST /v1/cloudevents</c>, <c>GET /metrics</c> and <c>GET /openapi/v1.json</c>.</summary>
    public static void Map(WebApplication app)
    {
        CloudEventEndpoints.Map(app);
        MetricsEndpoint.Map(app);
        CollectorOpenApi.Map(app);
    }
}
