using DecisionLedger.Server.Endpoints;
using DecisionLedger.Server.Verification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DecisionLedger.Server.Dashboard;

/// <summary>
/// The web dashboard at <c>/dashboard/</c> and the API routes only it needs (<c>/v1/verification</c>,
/// <c>/v1/decisions/{requestId}/input</c>, <c>/v1/caller</c>, <c>/v1/models</c>). The static files are public — they hold no data; every
/// piece of data the page shows comes from the API with the user's key.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>Every dashboard response carries this policy: only same-origin scripts, styles and API calls; no inline code.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Registers the background verifier and the model catalog.</summary>
    public static void AddServices(IServiceCollection services)
    {
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<VerificationMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<VerificationMonitor>());
    }

    /// <summary>Maps the dashboard's files and routes.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/dashboard/{**path}", [HttpMethods.Get, HttpMethods.Head], (string? path, HttpContext context) => Serve(DashboardAssets.Embedded, path, context))
            .ExcludeFromDescription(); // public static files, not part of the API
        VerificationEndpoints.Map(routes);
        InputEndpoints.Map(routes);
        CallerEndpoints.Map(routes);
        ModelEndpoints.Map(routes);
    }

    private static IResult Serve(DashboardAssets assets, string? path, HttpContext context)
    {
        // Routing ignores a trailing slash; the page's relative links need it.
        if (string.IsNullOrEmpty(path) && !context.Request.Path.Value!.EndsWith('/'))
        {
            return Results.Redirect("/dashboard/");
        }

        IHeaderDictionary headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        if (assets.Find(string.IsNullOrEmpty(path) ? "index.html" : path) is not { } asset)
        {
            return Problems.NotFound($"path: '/dashboard/{path}' is not a dashboard file; open /dashboard/.");
        }

        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
