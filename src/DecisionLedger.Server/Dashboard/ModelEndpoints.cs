using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DecisionLedger.Server.Dashboard;

/// <summary>
/// <c>GET /v1/models</c>: the models the ledger holds decisions of, for the dashboard's model picker.
/// Names and counts only, no decision: no access-log record, permission Read.
/// </summary>
internal static class ModelEndpoints
{
    /// <summary>Maps the route.</summary>
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1/models", ListAsync).RequirePermission(ApiPermission.Read)
            .WithSummary("The ledger's models: name, versions in order of first use, decision count, first and last decision")
            .WithTags("Reading")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");

    private static async Task<IResult> ListAsync(HttpContext context, ModelCatalog catalog)
    {
        IReadOnlyList<ModelSummary> models = await catalog.GetAsync(context.RequestAborted).ConfigureAwait(false);
        return JsonBody.Create(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("models");
            foreach (ModelSummary model in models)
            {
                json.WriteStartObject();
                json.WriteString("name", model.Name);
                json.WriteStartArray("versions");
                foreach (string version in model.Versions)
                {
                    json.WriteStringValue(version);
                }

                json.WriteEndArray();
                json.WriteNumber("decisions", model.Decisions);
                json.WriteString("first", model.First.UtcDateTime);
                json.WriteString("last", model.Last.UtcDateTime);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
