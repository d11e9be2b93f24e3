using System.Text.Json;
using DecisionLedger.Recording;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// The 200 answer of an NDJSON batch, streamed: it starts with the first receipt (from then on the batch has
/// recorded something, so the status is settled) and each chunk's receipts go out as the chunk is durable, so
/// the answer is never held whole. It ends with the listed errors, their count and, when the batch stopped
/// early, why.
/// </summary>
internal sealed class BatchAnswer(HttpContext context) : IDisposable
{
    private Utf8JsonWriter? _json;

    /// <summary>Whether the 200 has begun (at least one line was recorded).</summary>
    public bool Started => _json is not null;

    /// <summary>How many receipts were written.</summary>
    public int Receipts { get; private set; }

    /// <summary>Writes one receipt, starting the answer if it is the first.</summary>
    public void Add(long line, RecordReceipt receipt)
    {
        if (_json is null)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            _json = new Utf8JsonWriter(context.Response.BodyWriter);
            _json.WriteStartObject();
            _json.WriteStartArray("receipts");
        }

        DecisionEndpoints.WriteReceipt(_json, receipt, line);
        Receipts++;
    }

    /// <summary>Sends what was written; waits while the client is slow to read (back-pressure, not memory).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_json is not null)
        {
            await _json.FlushAsync(cancellationToken).ConfigureAwait(false);
            await context.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the receipts and writes <c>"errors"</c>, <c>"errorCount"</c> and, if the batch stopped, <c>"stopped"</c>.</summary>
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
}
