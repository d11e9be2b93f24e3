using DecisionLedger.Server.Endpoints;
using DecisionLedger.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace DecisionLedger.Server.Auth;

/// <summary>Requires an API key whose role grants a permission; 401 without a valid key, 403 without the right.</summary>
internal static class ApiKeyEndpointFilter
{
    /// <summary>The header that carries a key when <c>Authorization</c> is not used.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>
    /// Adds the check to <paramref name="builder"/>, and <see cref="RequiredPermission"/> metadata for the
    /// OpenAPI document; the handler finds the caller with <see cref="Caller"/>.
    /// </summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, ApiPermission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(
                new RequiredPermission(permission),
                new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]))
            .AddEndpointFilter(async (context, next) =>
            Authorize(context.HttpContext, permission) ?? await next(context).ConfigureAwait(false));

    /// <summary>
    /// Middleware doing the same check, for endpoints that are not route handlers (endpoint filters do not
    /// run on them), such as the Prometheus scraping endpoint.
    /// </summary>
    public static Func<HttpContext, RequestDelegate, Task> Middleware(ApiPermission permission) =>
        (context, next) => Authorize(context, permission) is { } refusal ? refusal.ExecuteAsync(context) : next(context);

    /// <summary>Null when the request's key grants <paramref name="permission"/> (the caller is then stored for <see cref="Caller"/>); otherwise the 401 or 403 to answer.</summary>
    public static IResult? Authorize(HttpContext http, ApiPermission permission)
    {
        ApiKeyStore keys = http.RequestServices.GetRequiredService<ApiKeyStore>();
        string? key = ReadKey(http.Request);
        ApiCaller? caller = keys.Authenticate(key);
        if (caller is null)
        {
            CollectorLog.Unauthorized(Logger(http), http.Request.Method, http.Request.Path, ApiKeyStore.IdOf(key));
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Unauthorized();
        }

        if (!ApiKeyRoles.Allows(caller.Role, permission))
        {
            CollectorLog.Forbidden(Logger(http), http.Request.Method, http.Request.Path, caller.KeyId, ApiKeyRoles.Name(caller.Role));
            return Problems.Forbidden(ApiKeyRoles.Name(caller.Role), Describe(permission));
        }

        http.Items[typeof(ApiCaller)] = caller;
        return null;
    }

    /// <summary>The caller the filter authenticated.</summary>
    public static ApiCaller Caller(HttpContext context) =>
        context.Items[typeof(ApiCaller)] as ApiCaller ?? throw new InvalidOperationException("The route has no API key check.");

    /// <summary>The collector's logger.</summary>
    public static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(CollectorLog.Category);

    private static string? ReadKey(HttpRequest request)
    {
        string? authorization = request.Headers[HeaderNames.Authorization];
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        string? header = request.Headers[ApiKeyHeader];
        return string.IsNullOrWhiteSpace(header) ? null : header.Trim();
    }

    private static string Describe(ApiPermission permission) => permission switch
    {
        ApiPermission.Ingest => "record decisions (needs ingest or admin)",
        ApiPermission.Read => "read decisions (needs reader, auditor or admin)",
        ApiPermission.Status => "read the collector's status (needs any role)",
        ApiPermission.Monitor => "read the tlog checkpoint and hash tiles (needs monitor, auditor or admin)",
        _ => "read checkpoints, proofs or the access log (needs auditor or admin)",
    };
}
