namespace DecisionLedger.Server.Endpoints;

/// <summary>What a collected chunk reports back to its <see cref="NdjsonBatchIngest"/>.</summary>
internal interface IBatchProgress
{
    /// <summary>A line that could not be taken for a reason of its own (a duplicate request id): listed, not counted towards MaxBadLines.</summary>
    void Refused(LineError error);

    /// <summary>An invalid line: listed and counted towards MaxBadLines.</summary>
    void Invalid(LineError error);

    /// <summary>Stops the batch (the first stop wins); <paramref name="detail"/> is given the last line read.</summary>
    void Stop(string reason, Func<long, string> detail);
}
