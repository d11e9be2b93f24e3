using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Server.Hosting;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// A streamed batch into the Redis buffer (<c>serve --buffer redis</c>): each line is validated and redacted as
/// it is read, and a full chunk goes to Redis in one transaction. Without <c>Prefer: wait</c> each chunk's buffer
/// ids are streamed out (202 <c>{"accepted",…}</c>) once Redis acknowledged it. With it, each line waits for its
/// receipt, and the answer, 200 <c>{"receipts",…}</c> only if every receipt came, is written at the end: it holds
/// one small outcome per buffered line (the body and the parsed decisions are still never held whole).
/// </summary>
internal sealed class BufferBatchTarget(HttpContext context, CollectorBuffer buffer, DecisionParser parser, bool wait) : IBatchTarget
{
    private readonly CollectorBuffer _buffer = buffer;
    private readonly bool _wait = wait;
    private readonly BatchAnswer _accepted = new(context, StatusCodes.Status202Accepted, "accepted");
    private readonly List<HeldLine> _held = [];
    private Chunk? _filling;

    /// <inheritdoc />
    public string Outcome => "buffered";

    /// <inheritdoc />
    public int Taken => _wait ? _held.Count : _accepted.Count;

    /// <inheritdoc />
    public void Take(long line, ReadOnlySpan<byte> text)
    {
        RedactedDecision prepared = _buffer.Preparer.Prepare(parser.Parse(text));
        _filling ??= new Chunk(this);
        _filling.Lines.Add(line);
        _filling.Decisions.Add(prepared);
    }

    /// <inheritdoc />
    public IBatchChunk? Seal()
    {
        Chunk? full = _filling;
        _filling = null;
        full?.Submit();
        return full;
    }

    /// <inheritdoc />
    public ValueTask FlushAsync() => _accepted.FlushAsync(CancellationToken.None);

    /// <inheritdoc />
    public async ValueTask<IResult?> FinishAsync(LineErrorList errors, BatchStop? stop)
    {
        if (_wait && _held.Count > 0)
        {
            bool allReceipts = _held.TrueForAll(o => o.Receipt is not null);
            using var answer = allReceipts ? new BatchAnswer(context) : new BatchAnswer(context, StatusCodes.Status202Accepted, "accepted");
            foreach (HeldLine outcome in _held)
            {
                if (allReceipts)
                {
                    answer.Add(outcome.Line, outcome.Receipt!);
                }
                else
                {
                    answer.Add(outcome.Line, outcome.RequestId, outcome.BufferId);
                }
            }

            await answer.FinishAsync(errors, stop, CancellationToken.None).ConfigureAwait(false);
            return Results.Empty;
        }

        if (!_accepted.Started)
        {
            return null;
        }

        await _accepted.FinishAsync(errors, stop, CancellationToken.None).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <inheritdoc />
    public void Dispose() => _accepted.Dispose();

    private static void NotAccepted(IBatchProgress batch, long line, RedisException exception)
    {
        batch.Refused(new LineError(line, "$", $"not buffered: Redis did not acknowledge the decision ({exception.Message})", "resend this line after Retry-After with the same requestId"));
        batch.Stop(BatchStop.BufferUnavailable, last => $"buffer: Redis did not acknowledge a decision ({exception.Message}); the lines listed with 'not buffered' and the lines after {last} were NOT accepted. Resend them after Retry-After with the same requestIds (a repeat is de-duplicated).");
    }

    /// <summary>One buffered line of a batch sent with <c>Prefer: wait</c>.</summary>
    private sealed record HeldLine(long Line, string RequestId, string BufferId, RecordReceipt? Receipt);

    private sealed class Chunk(BufferBatchTarget target) : IBatchChunk
    {
        private Task<IReadOnlyList<string>>? _ids;
        private Task<(string BufferId, RecordReceipt? Receipt)>[]? _receipts;

        public List<long> Lines { get; } = new(NdjsonBatchIngest.ChunkLines);

        public List<RedactedDecision> Decisions { get; } = new(NdjsonBatchIngest.ChunkLines);

        public void Submit()
        {
            CollectorBuffer collector = target._buffer;
            if (target._wait)
            {
                _receipts = [.. Decisions.Select(d => collector.Buffer.EnqueueAndWaitAsync(d, collector.ReceiptWait))];
            }
            else
            {
                _ids = collector.Buffer.EnqueueAsync(Decisions);
            }
        }

        public async Task CollectAsync(IBatchProgress batch)
        {
            if (_receipts is not null)
            {
                // Each line its own XADD: each has its own outcome.
                for (int i = 0; i < _receipts.Length; i++)
                {
                    try
                    {
                        (string bufferId, RecordReceipt? receipt) = await _receipts[i].ConfigureAwait(false);
                        target._held.Add(new HeldLine(Lines[i], Decisions[i].RequestId, bufferId, receipt));
                    }
                    catch (RedisException exception)
                    {
                        NotAccepted(batch, Lines[i], exception);
                    }
                }

                return;
            }

            IReadOnlyList<string> ids;
            try
            {
                ids = await _ids!.ConfigureAwait(false);
            }
            catch (RedisException exception)
            {
                // One transaction: none of the chunk is buffered.
                foreach (long line in Lines)
                {
                    NotAccepted(batch, line, exception);
                }

                return;
            }

            for (int i = 0; i < ids.Count; i++)
            {
                target._accepted.Add(Lines[i], Decisions[i].RequestId, ids[i]);
            }
        }
    }
}
