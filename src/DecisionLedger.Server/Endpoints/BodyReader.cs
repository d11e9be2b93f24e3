using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DecisionLedger.Server.Endpoints;

/// <summary>Reads a whole request body under a size limit, so an oversized body is refused before anything is recorded.</summary>
internal static class BodyReader
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using PooledBuffer? body = await ReadPooledAsync(request, limit, cancellationToken).ConfigureAwait(false);
        return body?.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The body in a rented buffer the caller disposes (once nothing refers to its bytes), or null
    /// when it is larger than <paramref name="limit"/> bytes. Read straight from the request pipe:
    /// no intermediate stream, and no array allocated per request.
    /// </summary>
    public static async Task<PooledBuffer?> ReadPooledAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
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

        var buffer = new PooledBuffer(request.ContentLength is { } length ? (int)length : 4096);
        try
        {
            PipeReader reader = request.BodyReader;
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> read = result.Buffer;

                // Without the Kestrel feature (another server), the limit is still checked here.
                if (buffer.Length + read.Length > limit)
                {
                    reader.AdvanceTo(read.End);
                    buffer.Dispose();
                    return null;
                }

                foreach (ReadOnlyMemory<byte> segment in read)
                {
                    buffer.Write(segment.Span);
                }

                reader.AdvanceTo(read.End);
                if (result.IsCompleted)
                {
                    return buffer;
                }
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            buffer.Dispose();
            return null;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }
}
