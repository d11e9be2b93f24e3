using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// An NDJSON batch for <c>POST /v1/decisions</c>: every valid line submitted to the recorder,
/// every invalid line reported by number, one answer once all submitted lines are durable.
/// </summary>
internal static class NdjsonBatchIngest
{
    /// <summary>
    /// Parses every line of a batch and hands each valid one to the recorder; every invalid line
    /// goes to <paramref name="errors"/>. Synchronous over the body's bytes, so the (rented) body can
    /// be released before the receipts are awaited.
    /// </summary>
    public static List<(long Line, Task<RecordReceipt> Receipt)> SubmitLines(IDecisionRecorder recorder, DecisionParser parser, ReadOnlySpan<byte> body, bool proof, List<LineError> errors)
    {
        var pending = new List<(long Line, Task<RecordReceipt> Receipt)>();
        foreach (NdjsonLines.Line line in new NdjsonLines(body))
        {
            Decision decision;
            try
            {
                decision = parser.Parse(line.Text);
            }
            catch (DecisionValidationException exception)
            {
                errors.Add(new LineError(line.Number, exception.Path, exception.Problem, exception.Fix));
                continue;
            }

            // The receipt's own task: no async state machine per line, and completing the group commit
            // wakes only this request's one awaiting continuation, not one per line.
            pending.Add((line.Number, recorder is DecisionRecorder direct
                ? direct.SubmitAsync(decision, proof)
                : recorder.RecordAsync(decision, proof, CancellationToken.None).AsTask()));
        }

        return pending;
    }

    /// <summary>
    /// Records every valid line and reports every invalid one: 200 with receipts and errors when at
    /// least one line was recorded, 400 (problem details with the errors) when none was.
    /// </summary>
    public static async Task<IResult> RecordBatchAsync(HttpContext context, List<(long Line, Task<RecordReceipt> Receipt)> pending, List<LineError> errors)
    {
        var receipts = new List<(long Line, RecordReceipt Receipt)>(pending.Count);
        foreach ((long line, Task<RecordReceipt> task) in pending)
        {
            try
            {
                receipts.Add((line, await task.ConfigureAwait(false)));
            }
            catch (DuplicateRequestIdException exception)
            {
                errors.Add(new LineError(line, "requestId", $"'{exception.RequestId}' is already recorded", "send a new requestId, or none to get a UUIDv7"));
            }
            catch (RedactionException exception)
            {
                errors.Add(new LineError(line, "$", exception.Message, "fix the redaction policy or the decision"));
            }
            catch (LedgerQueueFullException exception)
            {
                errors.Add(new LineError(line, "$", exception.Message, "resend this line later"));
            }
        }

        errors.Sort((a, b) => a.Line.CompareTo(b.Line));
        if (errors.Count > 0)
        {
            CollectorLog.BatchErrors(ApiKeyEndpointFilter.Logger(context), ApiKeyEndpointFilter.Caller(context).KeyId, receipts.Count, errors.Count, errors[0].Line, errors[0].Path, errors[0].Problem);
        }

        if (receipts.Count == 0)
        {
            return LineError.NoneTaken(errors, "recorded");
        }

        // ~130 bytes per receipt without a proof; the buffer grows if proofs make it longer.
        return JsonBody.Create(context, (receipts.Count * 136) + 64, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("receipts");
            foreach ((long line, RecordReceipt receipt) in receipts)
            {
                DecisionEndpoints.WriteReceipt(json, receipt, line);
            }

            json.WriteEndArray();
            LineError.WriteArray(json, errors);
            json.WriteEndObject();
        });
    }
}
