namespace DecisionLedger.Server.Endpoints;

/// <summary>Receives the lines <see cref="NdjsonLineReader"/> reads, synchronously, while their bytes are still in the pipe.</summary>
internal interface INdjsonLineSink
{
    /// <summary>One non-blank line, without its line break; <paramref name="text"/> is only valid during the call.</summary>
    LineAction OnLine(long number, ReadOnlySpan<byte> text);

    /// <summary>A line longer than the reader's limit: its bytes are skipped, never buffered.</summary>
    LineAction OnTooLong(long number);
}
