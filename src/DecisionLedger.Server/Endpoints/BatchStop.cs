using System.Text.Json;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// Why an NDJSON batch stopped before its end: the last line examined, the reason, and how many lines after it
/// were neither recorded nor checked (the client resends those).
/// </summary>
internal sealed record BatchStop(long Line, string Reason, string Detail)
{
    /// <summary>The lines after <see cref="Line"/>, counted without parsing; null when the body broke off.</summary>
    public long? LinesNotExamined { get; set; }

    /// <summary>Too many invalid lines: the client has a systematic problem, so the rest is not parsed.</summary>
    public const string TooManyInvalidLines = "too_many_invalid_lines";

    /// <summary>The recorder's queue stayed full: the rest was not submitted; resend it later.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>Redis did not acknowledge a chunk (buffer mode): the rest was not buffered; resend it later.</summary>
    public const string BufferUnavailable = "buffer_unavailable";

    /// <summary>The body passed the batch limit while being read (a chunked body).</summary>
    public const string TooLarge = "too_large";

    /// <summary>Writes the <c>"stopped"</c> object.</summary>
    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("stopped");
        json.WriteNumber("afterLine", Line);
        json.WriteString("reason", Reason);
        json.WriteString("detail", Detail);
        if (LinesNotExamined is { } lines)
        {
            json.WriteNumber("linesNotExamined", lines);
        }

        json.WriteEndObject();
    }

    /// <summary>The same, as a problem-details extension.</summary>
    public Dictionary<string, object?> ToDictionary()
    {
        var stopped = new Dictionary<string, object?> { ["afterLine"] = Line, ["reason"] = Reason, ["detail"] = Detail };
        if (LinesNotExamined is { } lines)
        {
            stopped["linesNotExamined"] = lines;
        }

        return stopped;
    }
}
