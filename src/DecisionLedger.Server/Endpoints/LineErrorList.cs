using System.Text.Json;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// The refused lines of one NDJSON batch: the first <c>limit</c> listed in line order, every one counted, so an
/// answer stays small however many lines were bad.
/// </summary>
internal sealed class LineErrorList(int limit)
{
    private readonly List<LineError> _listed = [];
    private readonly List<LineError> _chunk = [];

    /// <summary>Every refused line, listed or not.</summary>
    public long Count { get; private set; }

    /// <summary>The listed errors, in line order.</summary>
    public IReadOnlyList<LineError> Listed => _listed;

    /// <summary>The first listed error, if any.</summary>
    public LineError? First => _listed.Count > 0 ? _listed[0] : null;

    /// <summary>Adds an error of the chunk being recorded; <see cref="EndChunk"/> lists them in line order.</summary>
    public void Add(LineError error)
    {
        Count++;
        if (_listed.Count + _chunk.Count < limit)
        {
            _chunk.Add(error);
        }
    }

    /// <summary>Lists the chunk's errors: its parse errors and its recorder errors arrive apart, the answer shows them by line.</summary>
    public void EndChunk()
    {
        _chunk.Sort((a, b) => a.Line.CompareTo(b.Line));
        _listed.AddRange(_chunk);
        _chunk.Clear();
    }

    /// <summary>Writes <c>"errors"</c> (the listed ones) and <c>"errorCount"</c> (all of them).</summary>
    public void Write(Utf8JsonWriter json)
    {
        LineError.WriteArray(json, _listed);
        json.WriteNumber("errorCount", Count);
    }
}
