using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DecisionLedger.Cli.Output;

/// <summary>Writes one compact JSON document, newline-terminated, to a text writer.</summary>
internal static class JsonOutput
{
    /// <summary>Writes the document <paramref name="write"/> produces, followed by a newline.</summary>
    public static async Task WriteAsync(TextWriter writer, Action<Utf8JsonWriter> write, CancellationToken cancellationToken = default)
    {
        await writer.WriteLineAsync(ToString(write).AsMemory(), cancellationToken);
    }

    /// <summary>Returns the document <paramref name="write"/> produces, as a string.</summary>
    public static string ToString(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Re-indents canonical JSON bytes for people to read.</summary>
    public static string Pretty(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = JsonDocument.Parse(json.ToArray());
        var buffer = new ArrayBufferWriter<byte>(json.Length * 2);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
