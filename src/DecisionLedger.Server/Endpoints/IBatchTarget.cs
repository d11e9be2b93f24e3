using Microsoft.AspNetCore.Http;

namespace DecisionLedger.Server.Endpoints;

/// <summary>
/// Where the lines of a streamed NDJSON batch go (<see cref="NdjsonBatchIngest"/>): the in-process recorder
/// (<see cref="RecorderBatchTarget"/>) or the Redis buffer (<see cref="BufferBatchTarget"/>). The batch reads and
/// counts lines, stops and answers problems; the target takes each good line into its filling chunk, submits a
/// chunk when the batch seals it, and writes the answer of what it took.
/// </summary>
internal interface IBatchTarget : IDisposable
{
    /// <summary>What happened to a taken line, for the 400 of a batch of which none was: "recorded", "buffered".</summary>
    string Outcome { get; }

    /// <summary>Lines taken and answered so far (receipts or buffer ids).</summary>
    int Taken { get; }

    /// <summary>Parses one line into the filling chunk.</summary>
    /// <exception cref="Decisions.DecisionValidationException">The line is not a valid decision.</exception>
    /// <exception cref="Redaction.RedactionException">The line could not be redacted.</exception>
    void Take(long line, ReadOnlySpan<byte> text);

    /// <summary>Submits the filling chunk and starts a new one; null when the filling chunk is empty.</summary>
    IBatchChunk? Seal();

    /// <summary>Sends what was written of the answer (back-pressure from a slow client, not memory).</summary>
    ValueTask FlushAsync();

    /// <summary>
    /// Ends the answer once every chunk is collected: null when no line was taken (the batch answers a problem),
    /// <see cref="Results.Empty"/> when the answer was streamed, or the answer to send.
    /// </summary>
    ValueTask<IResult?> FinishAsync(LineErrorList errors, BatchStop? stop);
}
