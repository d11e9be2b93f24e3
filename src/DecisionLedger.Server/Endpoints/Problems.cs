using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>RFC 9457 problem details with a sentence that names the field, the problem and the fix.</summary>
internal static class Problems
{
    /// <summary>The <c>Retry-After</c> of a shed request, in seconds.</summary>
    public const string RetryAfterSeconds = "1";

    public static IResult BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is invalid.", extensions: extensions);

    public static IResult NotFound(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "The decision is already recorded.", extensions: extensions);

    public static IResult TooLarge(long limit) =>
        Results.Problem(
            $"body: larger than the limit of {limit} bytes; nothing was recorded. Split the batch into smaller requests.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The request body is too large.",
            extensions: new Dictionary<string, object?> { ["limit"] = limit });

    public static IResult UnsupportedMediaType(string? contentType) =>
        Results.Problem(
            $"Content-Type: '{contentType ?? "(none)"}' is not accepted; send application/json (one decision) or application/x-ndjson (one decision per line).",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type.");

    public static IResult UnsupportedCloudEventBatch() =>
        Results.Problem(
            "Content-Type: 'application/cloudevents-batch+json' (batched mode) is not accepted; send one event per request, binary mode (ce-* headers, the inference body as the body) as KServe's logger does, or structured mode (application/cloudevents+json).",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type.");

    public static IResult Conflict(string title, string detail, IDictionary<string, object?>? extensions) =>
        Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, extensions: extensions);

    public static IResult Unavailable(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The collector cannot record right now.");

    /// <summary>
    /// 503 for load that was shed: the decision could not enter the recorder's queue in time, or too many ingest
    /// requests were in flight. <c>Retry-After</c> tells the client when to try again; nothing in the answer was recorded.
    /// </summary>
    public static IResult Overloaded(HttpContext context, string detail, IDictionary<string, object?>? extensions = null)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The collector is overloaded; retry later.", extensions: extensions);
    }

    public static IResult Unauthorized() =>
        Results.Problem(
            "Authorization: a valid API key is required; send 'Authorization: Bearer dl_…' or 'X-Api-Key: dl_…' (create one with 'dledger keys create --role ROLE').",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized.");

    public static IResult Forbidden(string role, string need) =>
        Results.Problem(
            $"role: '{role}' may not {need}; use a key with a role that may.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden.");
}
