using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DecisionLedger.Server.Endpoints;

/// <summary>Reads a whole request body under a size limit, so an oversized body is refused before anything is recorded.</summary>
internal static class BodyReader
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        // Kestrel enforces the limit on chunked bodies too (it throws a 413 BadHttpRequestException).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        try
        {
            await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        // Without the Kestrel feature (another server), the limit is still checked here.
        return buffer.Length > limit ? null : buffer.ToArray();
    }
}
