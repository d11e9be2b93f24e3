using System.Globalization;
using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Server.Metrics;
using DecisionLedger.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// An NDJSON batch for <c>POST /v1/decisions</c>, streamed: lines are read from the request pipe, parsed and
/// submitted to the recorder in chunks, and each chunk's receipts are streamed to the answer once durable. At
/// most two chunks are in flight, so a batch holds a bounded amount of memory whatever its size. Every good
/// line is recorded and every bad line reported (the first <see cref="CollectorOptions.MaxListedLineErrors"/>
/// listed, all counted); after <see cref="CollectorOptions.MaxBadLines"/> invalid lines, or when the recorder's
/// queue stays full, the rest of the body is not examined, only counted.
/// </summary>
internal sealed class NdjsonBatchIngest : INdjsonLineSink, IDisposable
{
    /// <summary>The most lines in one chunk.</summary>
    internal const int ChunkLines = 512;

    /// <summary>The most line bytes in one chunk (a chunk of large decisions is shorter).</summary>
    internal const int ChunkBytes = 512 * 1024;

    private readonly HttpContext _context;
    private readonly IDecisionRecorder _recorder;
    private readonly DecisionParser _parser;
    private readonly CollectorOptions _options;
    private readonly IngestMetrics _metrics;
    private readonly bool _proof;
    private readonly LineErrorList _errors;
    private readonly BatchAnswer _answer;
    private List<(long Line, Task<RecordReceipt> Receipt)> _filling = [];
    private List<(long Line, Task<RecordReceipt> Receipt)>? _inFlight;
    private int _fillingBytes;
    private long _badLines;
    private long _lastLine;
    private BatchStop? _stop;

    private NdjsonBatchIngest(HttpContext context, IDecisionRecorder recorder, DecisionParser parser, CollectorOptions options, IngestMetrics metrics, bool proof)
    {
        _context = context;
        _recorder = recorder;
        _parser = parser;
        _options = options;
        _metrics = metrics;
        _proof = proof;
        _errors = new LineErrorList(options.MaxListedLineErrors);
        _answer = new BatchAnswer(context);
    }

    /// <summary>Records the batch in the request body and answers: a streamed 200, or a 400/413/503 problem when no line was recorded.</summary>
    public static async Task<IResult> RecordAsync(HttpContext context, IDecisionRecorder recorder, DecisionParser parser, CollectorOptions options, IngestMetrics metrics, bool proof)
    {
        HttpRequest request = context.Request;
        if (request.ContentLength > options.MaxBatchBytes)
        {
            return TooLarge(context, options.MaxBatchBytes, metrics);
        }

        // Kestrel enforces the limit on chunked bodies too (a 413 BadHttpRequestException while reading).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = options.MaxBatchBytes;
        }

        using var batch = new NdjsonBatchIngest(context, recorder, parser, options, metrics, proof);
        using var reader = new NdjsonLineReader(request.BodyReader, (int)Math.Min(options.MaxDecisionBytes, int.MaxValue));
        return await batch.RunAsync(reader).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public LineAction OnLine(long number, ReadOnlySpan<byte> text)
    {
        _lastLine = number;
        Decision decision;
        try
        {
            decision = _parser.Parse(text);
        }
        catch (DecisionValidationException exception)
        {
            return Invalid(new LineError(number, exception.Path, exception.Problem, exception.Fix));
        }

        // The receipt's own task: no async state machine per line; completing the group commit wakes only the
        // one continuation awaiting this chunk.
        _filling.Add((number, _recorder is DecisionRecorder direct
            ? direct.SubmitAsync(decision, _proof)
            : _recorder.RecordAsync(decision, _proof, CancellationToken.None).AsTask()));
        _fillingBytes += text.Length;
        return _filling.Count >= ChunkLines || _fillingBytes >= ChunkBytes ? LineAction.Pause : LineAction.Continue;
    }

    /// <inheritdoc />
    public LineAction OnTooLong(long number)
    {
        _lastLine = number;
        string limit = _options.MaxDecisionBytes.ToString(CultureInfo.InvariantCulture);
        return Invalid(new LineError(number, "$", $"the line is longer than the limit of {limit} bytes for one decision", "send a smaller decision, or raise --max-decision-bytes"));
    }

    /// <inheritdoc />
    public void Dispose() => _answer.Dispose();

    private static IResult TooLarge(HttpContext context, long limit, IngestMetrics metrics)
    {
        metrics.Reject(IngestMetrics.TooLarge);
        CollectorLog.TooLarge(ApiKeyEndpointFilter.Logger(context), limit, ApiKeyEndpointFilter.Caller(context).KeyId);
        return Problems.TooLarge(limit);
    }

    private LineAction Invalid(LineError error)
    {
        _errors.Add(error);
        _metrics.Reject(IngestMetrics.BadInput);
        if (++_badLines < _options.MaxBadLines)
        {
            return LineAction.Continue;
        }

        // Every line up to the last one read has its receipt or its error; none after it was looked at.
        _stop ??= new BatchStop(_lastLine, BatchStop.TooManyInvalidLines, string.Create(CultureInfo.InvariantCulture, $"{_badLines} invalid lines (MaxBadLines); the rest of the body was not examined. Fix the lines listed in errors and resend from line {_lastLine + 1}."));
        return LineAction.Pause;
    }

    private async Task<IResult> RunAsync(NdjsonLineReader reader)
    {
        CancellationToken aborted = _context.RequestAborted;
        bool clientGone = false;
        try
        {
            while (_stop is null && await reader.ReadAsync(this, aborted).ConfigureAwait(false))
            {
                if (_stop is null && _filling.Count > 0)
                {
                    await RotateAsync().ConfigureAwait(false);
                }
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            _metrics.Reject(IngestMetrics.TooLarge);
            _stop ??= new BatchStop(_lastLine, BatchStop.TooLarge, string.Create(CultureInfo.InvariantCulture, $"body: larger than the limit of {_options.MaxBatchBytes} bytes; lines after {_lastLine} were not read. Split the batch and resend them."));
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away mid-body: what was submitted is still recorded; nobody is left to answer.
            clientGone = true;
        }

        // Every line submitted gets its receipt or its error, even if the client is gone.
        await AwaitChunkAsync(_inFlight).ConfigureAwait(false);
        await AwaitChunkAsync(_filling).ConfigureAwait(false);
        _errors.EndChunk();
        if (_stop is { Reason: not BatchStop.TooLarge } stop && !clientGone)
        {
            try
            {
                stop.LinesNotExamined = await reader.CountRestAsync(aborted).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or BadHttpRequestException)
            {
                // The rest could not be counted (cut off, or over the limit): the count is left out.
            }
        }

        if (_errors.First is { } first)
        {
            CollectorLog.BatchErrors(ApiKeyEndpointFilter.Logger(_context), ApiKeyEndpointFilter.Caller(_context).KeyId, _answer.Receipts, (int)Math.Min(_errors.Count, int.MaxValue), first.Line, first.Path, first.Problem);
        }

        if (clientGone)
        {
            return Results.Empty;
        }

        if (_answer.Started)
        {
            await _answer.FinishAsync(_errors, _stop, CancellationToken.None).ConfigureAwait(false);
            return Results.Empty;
        }

        return _stop switch
        {
            { Reason: BatchStop.QueueFull } => Problems.Overloaded(_context, _stop.Detail, LineError.Extensions(_errors, _stop)),
            { Reason: BatchStop.TooLarge } when _errors.Count == 0 => Problems.TooLarge(_options.MaxBatchBytes),
            _ => LineError.NoneTaken(_errors, _stop, "recorded"),
        };
    }

    /// <summary>Starts the full chunk's successor and awaits the chunk before it: two chunks in flight at most.</summary>
    private async Task RotateAsync()
    {
        // The full chunk is already submitted (each line as it was parsed); reading goes on once its predecessor is durable.
        List<(long Line, Task<RecordReceipt> Receipt)>? previous = _inFlight;
        _inFlight = _filling;
        _filling = new(ChunkLines);
        _fillingBytes = 0;
        await AwaitChunkAsync(previous).ConfigureAwait(false);
    }

    private async Task AwaitChunkAsync(List<(long Line, Task<RecordReceipt> Receipt)>? chunk)
    {
        if (chunk is null || chunk.Count == 0)
        {
            return;
        }

        foreach ((long line, Task<RecordReceipt> task) in chunk)
        {
            try
            {
                _answer.Add(line, await task.ConfigureAwait(false));
            }
            catch (DuplicateRequestIdException exception)
            {
                _errors.Add(new LineError(line, "requestId", $"'{exception.RequestId}' is already recorded", "send a new requestId, or none to get a UUIDv7"));
            }
            catch (DecisionValidationException exception)
            {
                // The recorder's own checks (RecordableDecision) on a parsed decision.
                Invalid(new LineError(line, exception.Path, exception.Problem, exception.Fix));
            }
            catch (RedactionException exception)
            {
                _errors.Add(new LineError(line, "$", exception.Message, "fix the redaction policy or the decision"));
            }
            catch (LedgerQueueFullException exception)
            {
                _errors.Add(new LineError(line, "$", exception.Message, "resend this line later"));
                _stop ??= new BatchStop(_lastLine, BatchStop.QueueFull, string.Create(CultureInfo.InvariantCulture, $"the recorder's queue stayed full for {_options.EnqueueTimeout.TotalSeconds:0.###} s; lines after {_lastLine} were not submitted. Retry them (and the lines listed with this reason) after Retry-After."));
            }
            catch (Exception exception) when (exception is LedgerStoreException or ObjectDisposedException)
            {
                _errors.Add(new LineError(line, "$", "not recorded: " + exception.Message, "resend this line later"));
            }
        }

        chunk.Clear();
        _errors.EndChunk();
        await _answer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
