using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>One refused line of an NDJSON batch.</summary>
internal sealed record LineError(long Line, string Path, string Problem, string Fix)
{
    public Dictionary<string, object?> ToDictionary() => new()
    {
        ["line"] = Line,
        ["path"] = Path,
        ["problem"] = Problem,
        ["fix"] = Fix,
    };

    /// <summary>Writes the <c>"errors"</c> array of a batch answer.</summary>
    public static void WriteArray(Utf8JsonWriter json, IEnumerable<LineError> errors)
    {
        json.WriteStartArray("errors");
        foreach (LineError error in errors)
        {
            json.WriteStartObject();
            json.WriteNumber("line", error.Line);
            json.WriteString("path", error.Path);
            json.WriteString("problem", error.Problem);
            json.WriteString("fix", error.Fix);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>The 400 for a batch of which no line was taken (<paramref name="outcome"/>: recorded, buffered).</summary>
    public static IResult NoneTaken(IReadOnlyList<LineError> errors, string outcome)
    {
        string detail = errors.Count == 0
            ? "body: no decisions; send one JSON decision per line."
            : string.Create(CultureInfo.InvariantCulture, $"line {errors[0].Line}: {errors[0].Path}: {errors[0].Problem}; {errors[0].Fix} (no line of the batch was {outcome}; {errors.Count} error(s))");
        return Problems.BadRequest(detail, new Dictionary<string, object?> { ["errors"] = errors.Select(e => e.ToDictionary()).ToList() });
    }

    /// <summary>As <see cref="NoneTaken(IReadOnlyList{LineError}, string)"/> for a streamed batch: the listed errors, their count, and why it stopped.</summary>
    public static IResult NoneTaken(LineErrorList errors, BatchStop? stop, string outcome)
    {
        string detail = errors.First is not { } first
            ? "body: no decisions; send one JSON decision per line."
            : string.Create(CultureInfo.InvariantCulture, $"line {first.Line}: {first.Path}: {first.Problem}; {first.Fix} (no line of the batch was {outcome}; {errors.Count} error(s){(stop is null ? string.Empty : "; stopped: " + stop.Detail)})");
        return Problems.BadRequest(detail, Extensions(errors, stop));
    }

    /// <summary>The problem-details extensions of a batch answer: <c>errors</c> (listed), <c>errorCount</c> and <c>stopped</c>.</summary>
    public static Dictionary<string, object?> Extensions(LineErrorList errors, BatchStop? stop)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["errors"] = errors.Listed.Select(e => e.ToDictionary()).ToList(),
            ["errorCount"] = errors.Count,
        };
        if (stop is not null)
        {
            extensions["stopped"] = stop.ToDictionary();
        }

        return extensions;
    }
}
