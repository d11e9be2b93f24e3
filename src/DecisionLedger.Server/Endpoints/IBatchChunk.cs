namespace DecisionLedger.Server.Endpoints;

/// <summary>A submitted chunk of a streamed NDJSON batch (<see cref="IBatchTarget.Seal"/>), collected once.</summary>
internal interface IBatchChunk
{
    /// <summary>Awaits the chunk: each line's outcome goes to the answer, or to <paramref name="batch"/> as an error.</summary>
    Task CollectAsync(IBatchProgress batch);
}
