using System.Buffers;
using System.Text.Json;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>
/// A UTF-8 JSON writer and its buffer, kept one per thread and reused, for the small documents
/// capture writes on every request (the decision's metadata). Rent, write synchronously, take the
/// element, return — never across an await.
/// </summary>
internal sealed class CaptureJsonWriter
{
    // Larger buffers (an endpoint with a lot of metadata) are not kept, so a thread holds at most this.
    private const int MaxKeptCapacity = 64 * 1024;

    [ThreadStatic]
    private static CaptureJsonWriter? t_cached;

    private readonly ArrayBufferWriter<byte> _buffer = new(512);

    private CaptureJsonWriter() => Writer = new Utf8JsonWriter(_buffer);

    /// <summary>The writer; its output is this instance's buffer.</summary>
    public Utf8JsonWriter Writer { get; }

    /// <summary>The calling thread's writer, or a new one.</summary>
    public static CaptureJsonWriter Rent()
    {
        CaptureJsonWriter writer = t_cached ?? new CaptureJsonWriter();
        t_cached = null;
        return writer;
    }

    /// <summary>Parses what was written into an element that owns its bytes (no disposal needed).</summary>
    public JsonElement ToElement()
    {
        Writer.Flush();
        return JsonElement.Parse(_buffer.WrittenSpan);
    }

    /// <summary>Clears the buffer and keeps it for the calling thread's next request.</summary>
    public void Return()
    {
        Writer.Reset();
        _buffer.ResetWrittenCount();
        if (_buffer.Capacity <= MaxKeptCapacity)
        {
            t_cached = this;
        }
    }
}
