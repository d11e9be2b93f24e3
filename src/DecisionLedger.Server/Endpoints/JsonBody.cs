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
}
