using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>Builds JSON responses with a writer, so stored canonical entries go out byte for byte.</summary>
internal static class JsonBody
{
    /// <summary>A 200 <c>application/json</c> result written by <paramref name="write"/>.</summary>
    public static IResult Create(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return Results.Bytes(buffer.WrittenMemory, "application/json");
    }

    /// <summary>
    /// As <see cref="Create(Action{Utf8JsonWriter})"/>, for large answers (a batch's receipts): written
    /// into a rented buffer of about <paramref name="sizeHint"/> bytes that goes back to the pool when
    /// the request ends, after the response was sent. Same status, headers and bytes.
    /// </summary>
    public static IResult Create(HttpContext context, int sizeHint, Action<Utf8JsonWriter> write)
    {
        // Disposed by the response when the request ends, after the bytes were sent.
#pragma warning disable CA2000
        var buffer = new PooledBuffer(sizeHint);
#pragma warning restore CA2000
        context.Response.RegisterForDispose(buffer);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return Results.Bytes(buffer.WrittenMemory, "application/json");
    }
}
