namespace DecisionLedger.Server.Endpoints;

/// <summary>What <see cref="NdjsonLineReader"/> does after handing a line to its <see cref="INdjsonLineSink"/>.</summary>
internal enum LineAction
{
    /// <summary>Go on with the next line of the bytes already read.</summary>
    Continue,

    /// <summary>Return to the caller (a chunk is full and must be awaited); the next read resumes at the next line.</summary>
    Pause,
}
