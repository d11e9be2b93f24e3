using System.Globalization;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Auth;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Server.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// An NDJSON batch for <c>POST /v1/decisions</c>, streamed: lines are read from the request pipe, parsed and
/// handed to the <see cref="IBatchTarget"/> (the recorder, or the Redis buffer) in chunks, and each chunk's
/// outcome is streamed to the answer once it is durable. At most two chunks are in flight, so a batch holds a
/// bounded amount of memory whatever its size. Every good line is taken and every bad line reported (the first
/// <see cref="CollectorOptions.MaxListedLineErrors"/> listed, all counted); after
/// <see cref="CollectorOptions.MaxBadLines"/> invalid lines, or when the target cannot take more (the
/// recorder's queue stays full, Redis does not answer), the rest of the body is not examined, only counted.
/// </summary>
internal sealed class NdjsonBatchIngest : INdjsonLineSink, IBatchProgress
{
    /// <summary>The most lines in one chunk.</summary>
    internal const int ChunkLines = 512;

    /// <summary>The most line bytes in one chunk (a chunk of large decisions is shorter).</summary>
    internal const int ChunkBytes = 512 * 1024;

    private readonly HttpContext _context;
    private readonly IBatchTarget _target;
    private readonly CollectorOptions _options;
    private readonly IngestMetrics _metrics;
    private readonly LineErrorList _errors;
    private IBatchChunk? _inFlight;
    private int _fillingLines;
    private int _fillingBytes;
    private long _badLines;
    private long _lastLine;
    private BatchStop? _stop;

    private NdjsonBatchIngest(HttpContext context, IBatchTarget target, CollectorOptions options, IngestMetrics metrics)
    {
        _context = context;
        _target = target;
        _options = options;
        _metrics = metrics;
        _errors = new LineErrorList(options.MaxListedLineErrors);
    }

    /// <summary>
    /// Hands the batch in the request body to <paramref name="target"/> and answers: the target's (streamed)
    /// answer, or a 400/413/503 problem when no line was taken.
    /// </summary>
    public static async Task<IResult> RunAsync(HttpContext context, IBatchTarget target, CollectorOptions options, IngestMetrics metrics)
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

        var batch = new NdjsonBatchIngest(context, target, options, metrics);
        using var reader = new NdjsonLineReader(request.BodyReader, (int)Math.Min(options.MaxDecisionBytes, int.MaxValue));
        return await batch.RunAsync(reader).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public LineAction OnLine(long number, ReadOnlySpan<byte> text)
    {
        _lastLine = number;
        try
        {
            _target.Take(number, text);
        }
        catch (DecisionValidationException exception)
        {
            return Invalid(new LineError(number, exception.Path, exception.Problem, exception.Fix));
        }
        catch (RedactionException exception)
        {
            Refused(new LineError(number, "$", exception.Message, "fix the redaction policy or the decision"));
            return LineAction.Continue;
        }

        _fillingLines++;
        _fillingBytes += text.Length;
        return _fillingLines >= ChunkLines || _fillingBytes >= ChunkBytes ? LineAction.Pause : LineAction.Continue;
    }

    /// <inheritdoc />
    public LineAction OnTooLong(long number)
    {
        _lastLine = number;
        string limit = _options.MaxDecisionBytes.ToString(CultureInfo.InvariantCulture);
        return Invalid(new LineError(number, "$", $"the line is longer than the limit of {limit} bytes for one decision", "send a smaller decision, or raise --max-decision-bytes"));
    }

    /// <inheritdoc />
    public void Refused(LineError error) => _errors.Add(error);

    /// <inheritdoc />
    void IBatchProgress.Invalid(LineError error) => Invalid(error);

    /// <inheritdoc />
    public void Stop(string reason, Func<long, string> detail) => _stop ??= new BatchStop(_lastLine, reason, detail(_lastLine));

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

        // Every line up to the last one read has its outcome or its error; none after it was looked at.
        Stop(BatchStop.TooManyInvalidLines, last => string.Create(CultureInfo.InvariantCulture, $"{_badLines} invalid lines (MaxBadLines); the rest of the body was not examined. Fix the lines listed in errors and resend from line {last + 1}."));
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
                if (_stop is null && _fillingLines > 0)
                {
                    await RotateAsync().ConfigureAwait(false);
                }
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            _metrics.Reject(IngestMetrics.TooLarge);
            Stop(BatchStop.TooLarge, last => string.Create(CultureInfo.InvariantCulture, $"body: larger than the limit of {_options.MaxBatchBytes} bytes; lines after {last} were not read. Split the batch and resend them."));
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away mid-body: what was submitted is still taken; nobody is left to answer.
            clientGone = true;
        }

        // Every line submitted gets its outcome or its error, even if the client is gone.
        await CollectAsync(_inFlight).ConfigureAwait(false);
        await CollectAsync(Seal()).ConfigureAwait(false);
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
            CollectorLog.BatchErrors(ApiKeyEndpointFilter.Logger(_context), ApiKeyEndpointFilter.Caller(_context).KeyId, _target.Taken, (int)Math.Min(_errors.Count, int.MaxValue), first.Line, first.Path, first.Problem);
        }

        if (clientGone)
        {
            return Results.Empty;
        }

        if (await _target.FinishAsync(_errors, _stop).ConfigureAwait(false) is { } answer)
        {
            return answer;
        }

        return _stop switch
        {
            { Reason: BatchStop.QueueFull } => Problems.Overloaded(_context, _stop.Detail, LineError.Extensions(_errors, _stop)),
            { Reason: BatchStop.BufferUnavailable } => Problems.Unavailable(_context, _stop.Detail, LineError.Extensions(_errors, _stop)),
            { Reason: BatchStop.TooLarge } when _errors.Count == 0 => Problems.TooLarge(_options.MaxBatchBytes),
            _ => LineError.NoneTaken(_errors, _stop, _target.Outcome),
        };
    }

    private IBatchChunk? Seal()
    {
        _fillingLines = 0;
        _fillingBytes = 0;
        return _target.Seal();
    }

    /// <summary>Submits the full chunk and collects the chunk before it: two chunks in flight at most.</summary>
    private async Task RotateAsync()
    {
        // Reading goes on once the full chunk's predecessor is durable.
        IBatchChunk? previous = _inFlight;
        _inFlight = Seal();
        await CollectAsync(previous).ConfigureAwait(false);
    }

    private async Task CollectAsync(IBatchChunk? chunk)
    {
        if (chunk is null)
        {
            return;
        }

        await chunk.CollectAsync(this).ConfigureAwait(false);
        _errors.EndChunk();
        await _target.FlushAsync().ConfigureAwait(false);
    }
}
