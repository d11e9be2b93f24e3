using System.Globalization;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// A streamed batch into the in-process recorder: each line is submitted as it is parsed, and a chunk's
/// receipts are streamed out (200 <c>{"receipts",…}</c>) once the chunk is durable.
/// </summary>
internal sealed class RecorderBatchTarget(HttpContext context, IDecisionRecorder recorder, DecisionParser parser, CollectorOptions options, bool proof) : IBatchTarget
{
    private readonly BatchAnswer _answer = new(context);
    private Chunk? _filling;

    /// <inheritdoc />
    public string Outcome => "recorded";

    /// <inheritdoc />
    public int Taken => _answer.Count;

    /// <inheritdoc />
    public void Take(long line, ReadOnlySpan<byte> text)
    {
        Decision decision = parser.Parse(text);

        // The receipt's own task: no async state machine per line; completing the group commit wakes only the
        // one continuation awaiting this chunk.
        _filling ??= new Chunk(_answer, options.EnqueueTimeout);
        _filling.Lines.Add((line, recorder is DecisionRecorder direct
            ? direct.SubmitAsync(decision, proof)
            : recorder.RecordAsync(decision, proof, CancellationToken.None).AsTask()));
    }

    /// <inheritdoc />
    public IBatchChunk? Seal()
    {
        // Already submitted, line by line, as it was parsed.
        Chunk? full = _filling;
        _filling = null;
        return full;
    }

    /// <inheritdoc />
    public ValueTask FlushAsync() => _answer.FlushAsync(CancellationToken.None);

    /// <inheritdoc />
    public async ValueTask<IResult?> FinishAsync(LineErrorList errors, BatchStop? stop)
    {
        if (!_answer.Started)
        {
            return null;
        }

        await _answer.FinishAsync(errors, stop, CancellationToken.None).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <inheritdoc />
    public void Dispose() => _answer.Dispose();

    private sealed class Chunk(BatchAnswer answer, TimeSpan enqueueTimeout) : IBatchChunk
    {
        public List<(long Line, Task<RecordReceipt> Receipt)> Lines { get; } = new(NdjsonBatchIngest.ChunkLines);

        public async Task CollectAsync(IBatchProgress batch)
        {
            foreach ((long line, Task<RecordReceipt> task) in Lines)
            {
                try
                {
                    answer.Add(line, await task.ConfigureAwait(false));
                }
                catch (DuplicateRequestIdException exception)
                {
                    batch.Refused(new LineError(line, "requestId", $"'{exception.RequestId}' is already recorded", "send a new requestId, or none to get a UUIDv7"));
                }
                catch (DecisionValidationException exception)
                {
                    // The recorder's own checks (RecordableDecision) on a parsed decision.
                    batch.Invalid(new LineError(line, exception.Path, exception.Problem, exception.Fix));
                }
                catch (RedactionException exception)
                {
                    batch.Refused(new LineError(line, "$", exception.Message, "fix the redaction policy or the decision"));
                }
                catch (LedgerQueueFullException exception)
                {
                    batch.Refused(new LineError(line, "$", exception.Message, "resend this line later"));
                    batch.Stop(BatchStop.QueueFull, last => string.Create(CultureInfo.InvariantCulture, $"the recorder's queue stayed full for {enqueueTimeout.TotalSeconds:0.###} s; lines after {last} were not submitted. Retry them (and the lines listed with this reason) after Retry-After."));
                }
                catch (Exception exception) when (exception is LedgerStoreException or ObjectDisposedException)
                {
                    batch.Refused(new LineError(line, "$", "not recorded: " + exception.Message, "resend this line later"));
                }
            }
        }
    }
}
