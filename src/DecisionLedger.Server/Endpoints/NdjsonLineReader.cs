using System.Buffers;
using System.IO.Pipelines;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// Reads an <c>application/x-ndjson</c> body from the request pipe one line at a time, so a batch costs the
/// memory of its longest line, not of its body. A complete line is handed to the sink straight from the pipe's
/// buffer; only a line split across reads is copied (into one rented buffer, at most the line limit long). A
/// line over the limit is reported and skipped without being held. Line numbers are 1-based and count blank
/// lines, so a number is the line the client sees in its file.
/// </summary>
internal sealed class NdjsonLineReader(PipeReader pipe, int maxLineBytes) : IDisposable
{
    private readonly PooledBuffer _partial = new(4096);
    private bool _skipping;
    private bool _completed;

    /// <summary>The number of the last line read (handed over, skipped or blank).</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// Reads lines and hands them to <paramref name="sink"/> until it pauses (true) or the body ends (false).
    /// </summary>
    /// <exception cref="Microsoft.AspNetCore.Http.BadHttpRequestException">The body broke off, or exceeded the server's size limit (413).</exception>
    public async ValueTask<bool> ReadAsync(INdjsonLineSink sink, CancellationToken cancellationToken)
    {
        while (!_completed)
        {
            ReadResult result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            (SequencePosition consumed, bool paused) = Process(result.Buffer, result.IsCompleted, sink);
            if (paused)
            {
                // Examined only up to the pause: the next read returns the rest at once, without waiting for more bytes.
                pipe.AdvanceTo(consumed);
                return true;
            }

            pipe.AdvanceTo(consumed, result.Buffer.End);
            _completed = result.IsCompleted;
        }

        return false;
    }

    /// <summary>Reads the rest of the body without examining it and returns how many lines it holds.</summary>
    public async ValueTask<long> CountRestAsync(CancellationToken cancellationToken)
    {
        long lines = 0;
        bool inLine = _partial.Length > 0 || _skipping;
        while (!_completed)
        {
            ReadResult result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                ReadOnlySpan<byte> span = segment.Span;
                int breaks = span.Count((byte)'\n');
                lines += breaks;
                if (!span.IsEmpty)
                {
                    inLine = span[^1] != (byte)'\n';
                }
            }

            pipe.AdvanceTo(result.Buffer.End);
            _completed = result.IsCompleted;
        }

        _partial.Reset();
        _skipping = false;
        return lines + (inLine ? 1 : 0);
    }

    /// <inheritdoc />
    public void Dispose() => _partial.Dispose();

    private (SequencePosition Consumed, bool Paused) Process(ReadOnlySequence<byte> buffer, bool isCompleted, INdjsonLineSink sink)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                // The unfinished tail moves out of the pipe, so the transport never stalls on a long line.
                Hold(reader.UnreadSequence, sink);
                if (isCompleted && (_partial.Length > 0 || _skipping))
                {
                    bool paused = Finish(ReadOnlySequence<byte>.Empty, sink) == LineAction.Pause;
                    return (buffer.End, paused);
                }

                return (buffer.End, false);
            }

            if (Finish(line, sink) == LineAction.Pause)
            {
                return (reader.Position, true);
            }
        }
    }

    /// <summary>Keeps the start of a line whose end has not arrived yet; past the limit it is reported once and skipped.</summary>
    private void Hold(ReadOnlySequence<byte> tail, INdjsonLineSink sink)
    {
        if (_skipping || tail.IsEmpty)
        {
            return;
        }

        if (_partial.Length + tail.Length > maxLineBytes)
        {
            _partial.Reset();
            _skipping = true;
            LineNumber++;

            // A pause asked here is honoured at the next complete line: this one holds no decision.
            sink.OnTooLong(LineNumber);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in tail)
        {
            _partial.Write(segment.Span);
        }
    }

    /// <summary>Ends the current line with <paramref name="rest"/> (its bytes in this read) and hands it over.</summary>
    private LineAction Finish(ReadOnlySequence<byte> rest, INdjsonLineSink sink)
    {
        if (_skipping)
        {
            // Already reported (and counted) when it crossed the limit.
            _skipping = false;
            return LineAction.Continue;
        }

        LineNumber++;
        if (_partial.Length + rest.Length > maxLineBytes)
        {
            _partial.Reset();
            return sink.OnTooLong(LineNumber);
        }

        ReadOnlySpan<byte> text;
        if (_partial.Length == 0 && rest.IsSingleSegment)
        {
            text = rest.FirstSpan;
        }
        else
        {
            foreach (ReadOnlyMemory<byte> segment in rest)
            {
                _partial.Write(segment.Span);
            }

            text = _partial.WrittenSpan;
        }

        text = text.TrimEnd((byte)'\r');
        LineAction action = text.Trim(" \t"u8).IsEmpty ? LineAction.Continue : sink.OnLine(LineNumber, text);
        _partial.Reset();
        return action;
    }
}
