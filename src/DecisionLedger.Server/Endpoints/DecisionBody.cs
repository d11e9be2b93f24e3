using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// The body of <c>POST /v1/decisions</c>, whether the collector records in process or buffers:
/// one decision (<c>application/json</c>) or a batch (<c>application/x-ndjson</c>), within its size limit.
/// Its bytes are rented: dispose it once every line is parsed (parsed decisions own copies of their bytes).
/// </summary>
internal readonly record struct DecisionBody(bool IsBatch, PooledBuffer Bytes) : IDisposable
{
    /// <summary>True for <c>application/x-ndjson</c> (a batch), false for <c>application/json</c> (one decision), null for anything else (415).</summary>
    public static bool? IsBatchMediaType(HttpRequest request)
    {
        string? mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? parsed) ? parsed.MediaType.Value : null;
        if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return string.Equals(mediaType, "application/x-ndjson", StringComparison.OrdinalIgnoreCase) ? true : null;
    }

    /// <summary>Reads the body, or returns the 415/413 problem to answer instead.</summary>
    public static async Task<(DecisionBody Body, IResult? Problem)> ReadAsync(HttpContext context, CollectorOptions options)
    {
        if (IsBatchMediaType(context.Request) is not { } batch)
        {
            return (default, Problems.UnsupportedMediaType(context.Request.ContentType));
        }

        long limit = batch ? options.MaxBatchBytes : options.MaxDecisionBytes;
        PooledBuffer? bytes = await BodyReader.ReadPooledAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        if (bytes is null)
        {
            CollectorLog.TooLarge(ApiKeyEndpointFilter.Logger(context), limit, ApiKeyEndpointFilter.Caller(context).KeyId);
            return (default, Problems.TooLarge(limit));
        }

        return (new DecisionBody(batch, bytes), null);
    }

    /// <summary>Returns the body's buffer to the pool.</summary>
    public void Dispose() => Bytes?.Dispose();
}
