using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace DecisionLedger.Server.OpenApi;

/// <summary>
/// <c>GET /openapi/v1.json</c>: the OpenAPI 3.1 document of the collector (Microsoft.AspNetCore.OpenApi), with the
/// API-key schemes, each route's required role, its query parameters and its problem-details responses.
/// </summary>
internal static class CollectorOpenApi
{
    /// <summary>The document's route.</summary>
    public const string Route = "/openapi/v1.json";

    private const string ApiKeyScheme = "ApiKey";
    private const string BearerScheme = "Bearer";

    public static void AddServices(IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer(DescribeDocumentAsync);
            options.AddOperationTransformer(DescribeOperationAsync);
        });

    /// <summary>Maps the document behind a key of any role (keys on every route but health).</summary>
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapOpenApi("/openapi/{documentName}.json").RequirePermission(ApiPermission.Status).WithTags("Status");

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "DecisionLedger collector",
            Version = "v1",
            Description = "Records, queries and proves ML model decisions. Every route but /healthz needs an API key (dledger keys create --role ingest|reader|auditor|admin), sent as 'Authorization: Bearer dl_…' or 'X-Api-Key: dl_…'. Errors are RFC 9457 problem details naming the field, the problem and the fix.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyEndpointFilter.ApiKeyHeader,
            Description = "An API key 'dl_<id>_<secret>'.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The same API key as a bearer token.",
        };

        // The Prometheus endpoint is a plain request delegate, which the generator does not describe.
        var metrics = new OpenApiOperation
        {
            Summary = "Prometheus exposition of the DecisionLedger meter and ASP.NET Core's meters",
            Description = "Requires a key of any role.",
            Tags = new HashSet<OpenApiTagReference> { new("Status", document) },
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "The metrics in the Prometheus text format.",
                    Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
                },
            },
        };
        Secure(metrics, document, ApiPermission.Status);
        AddProblem(metrics, document, StatusCodes.Status401Unauthorized, "No valid API key.");
        AddProblem(metrics, document, StatusCodes.Status403Forbidden, "The key's role may not use this route.");
        document.Paths ??= new OpenApiPaths();
        document.Paths[MetricsEndpoint.Route] = new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = metrics } };
        return Task.CompletedTask;
    }

    private static Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        IList<object> metadata = context.Description.ActionDescriptor.EndpointMetadata;
        foreach (QueryParameter query in metadata.OfType<QueryParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = query.Required,
                Description = query.Description,
                Schema = new OpenApiSchema { Type = query.Type, Format = query.Format },
            });
        }

        if (metadata.OfType<RequiredPermission>().LastOrDefault() is { } required && context.Document is { } document)
        {
            Secure(operation, document, required.Permission);
        }

        return Task.CompletedTask;
    }

    private static void Secure(OpenApiOperation operation, OpenApiDocument document, ApiPermission permission)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] });
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
        string roles = "Roles: " + string.Join(", ", Enum.GetValues<ApiKeyRole>().Where(role => ApiKeyRoles.Allows(role, permission)).Select(ApiKeyRoles.Name)) + ".";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? roles : operation.Description + " " + roles;
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiDocument document, int status, string description)
    {
        operation.Responses ??= new OpenApiResponses();
        IOpenApiSchema schema = document.Components?.Schemas?.ContainsKey("ProblemDetails") == true
            ? new OpenApiSchemaReference("ProblemDetails", document)
            : new OpenApiSchema { Type = JsonSchemaType.Object };
        operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }
}
