namespace DecisionLedger.Witnessing;

/// <summary>A verified witness cosignature of a checkpoint.</summary>
/// <param name="Witness">The witness key that made it.</param>
/// <param name="Timestamp">When the witness says it cosigned (whole seconds).</param>
public sealed record Cosignature(CosignatureVerifier Witness, DateTimeOffset Timestamp);
