using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DecisionLedger.Server.Dashboard;

/// <summary>
/// <c>GET /v1/caller</c>: who the key is and what it may do, so a client (the dashboard) shows only
/// the pages the key can open instead of links that answer 403. Any valid key may ask.
/// </summary>
internal static class CallerEndpoints
{
    /// <summary>Maps the route.</summary>
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1/caller", Describe).RequirePermission(ApiPermission.Status)
            .WithSummary("The calling key: its id, name, role and the permissions the role grants")
            .WithTags("Status")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");

    private static IResult Describe(HttpContext context)
    {
        ApiCaller caller = ApiKeyEndpointFilter.Caller(context);
        return JsonBody.Create(json =>
        {
            json.WriteStartObject();
            json.WriteString("keyId", caller.KeyId);
            json.WriteString("keyName", caller.KeyName);
            json.WriteString("role", ApiKeyRoles.Name(caller.Role));
            json.WriteStartArray("permissions");
            foreach (ApiPermission permission in Enum.GetValues<ApiPermission>())
            {
                if (ApiKeyRoles.Allows(caller.Role, permission))
                {
                    json.WriteStringValue(permission.ToString().ToLowerInvariant());
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
