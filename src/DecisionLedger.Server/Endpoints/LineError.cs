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
}
