using System.Text.Json;
using DecisionLedger.Recording;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// The answer of an NDJSON batch, streamed: it starts with the first item (from then on the batch has taken
/// something, so the status is settled) and each chunk's items go out as the chunk is durable, so the answer
/// is never held whole. It ends with the listed errors, their count and, when the batch stopped early, why.
/// </summary>
/// <param name="context">The request.</param>
/// <param name="status">200 for receipts (recorded), 202 for buffer ids (buffered).</param>
/// <param name="items">The name of the array: <c>"receipts"</c> or <c>"accepted"</c>.</param>
internal sealed class BatchAnswer(HttpContext context, int status = StatusCodes.Status200OK, string items = "receipts") : IDisposable
{
    private Utf8JsonWriter? _json;

    /// <summary>Whether the answer has begun (at least one line was taken).</summary>
    public bool Started => _json is not null;

    /// <summary>How many items were written.</summary>
    public int Count { get; private set; }

    /// <summary>Writes one receipt, starting the answer if it is the first.</summary>
    public void Add(long line, RecordReceipt receipt) => DecisionEndpoints.WriteReceipt(Next(), receipt, line);

    /// <summary>Writes one buffered line, <c>{"line","requestId","bufferId"}</c>, starting the answer if it is the first.</summary>
    public void Add(long line, string requestId, string bufferId) => BufferedDecisionEndpoints.WriteAccepted(Next(), requestId, bufferId, line);

    /// <summary>Sends what was written; waits while the client is slow to read (back-pressure, not memory).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_json is not null)
        {
            await _json.FlushAsync(cancellationToken).ConfigureAwait(false);
            await context.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the items and writes <c>"errors"</c>, <c>"errorCount"</c> and, if the batch stopped, <c>"stopped"</c>.</summary>
    public async ValueTask FinishAsync(LineErrorList errors, BatchStop? stop, CancellationToken cancellationToken)
    {
        Utf8JsonWriter json = _json ?? throw new InvalidOperationException("The answer has not started.");
        json.WriteEndArray();
        errors.Write(json);
        stop?.Write(json);
        json.WriteEndObject();
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _json?.Dispose();

    private Utf8JsonWriter Next()
    {
        if (_json is null)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            _json = new Utf8JsonWriter(context.Response.BodyWriter);
            _json.WriteStartObject();
            _json.WriteStartArray(items);
        }

        Count++;
        return _json;
    }
}
