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

    /// <summary>The media types of <c>POST /v1/decisions</c>.</summary>
    public static readonly string[] DecisionMediaTypes = ["application/json", "application/x-ndjson"];

    /// <summary>The modes of <c>POST /v1/cloudevents</c>, as a 415 names them.</summary>
    public static readonly string[] CloudEventMediaTypes = ["application/cloudevents+json", "binary mode: ce-* headers with the inference body's own type, e.g. application/json"];

    /// <summary>415 for <c>POST /v1/decisions</c>: names the accepted types (<c>curl -d</c> sends application/x-www-form-urlencoded).</summary>
    public static IResult UnsupportedMediaType(string? contentType) =>
        UnsupportedMediaType(
            $"Content-Type: '{contentType ?? "(none)"}' is not accepted; send application/json (one decision) or application/x-ndjson (one decision per line), e.g. curl -H 'Content-Type: application/json' -d @decision.json.",
            DecisionMediaTypes);

    public static IResult UnsupportedCloudEventBatch(string? contentType) =>
        UnsupportedMediaType(
            $"Content-Type: '{contentType}' (batched mode) is not accepted; send one event per request, binary mode (ce-* headers, the inference body as the body) as KServe's logger does, or structured mode (application/cloudevents+json).",
            CloudEventMediaTypes);

    /// <summary>415 for a request to <c>POST /v1/cloudevents</c> that is in neither CloudEvents mode.</summary>
    public static IResult NotACloudEvent(string? contentType) =>
        UnsupportedMediaType(
            $"Content-Type: '{contentType ?? "(none)"}' without ce-* headers is not a CloudEvent; send structured mode (application/cloudevents+json) or binary mode (ce-specversion, ce-id, ce-source, ce-type headers and the inference body, e.g. application/json), as KServe's logger does.",
            CloudEventMediaTypes);

    private static IResult UnsupportedMediaType(string detail, string[] accepted) =>
        Results.Problem(
            detail,
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type.",
            extensions: new Dictionary<string, object?> { ["accepted"] = accepted });

    public static IResult Conflict(string title, string detail, IDictionary<string, object?>? extensions) =>
        Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, extensions: extensions);

    public static IResult Unavailable(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The collector cannot record right now.");

    /// <summary>503 for a failure the client outlasts by retrying (Redis did not answer): with <c>Retry-After</c>.</summary>
    public static IResult Unavailable(HttpContext context, string detail, IDictionary<string, object?>? extensions = null)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The collector cannot record right now.", extensions: extensions);
    }

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
