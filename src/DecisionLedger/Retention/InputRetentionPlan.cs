namespace DecisionLedger.Retention;

/// <summary>The stored inputs a retention policy makes due for deletion, and those legal holds keep.</summary>
/// <param name="Due">Seqs whose inputs are due and not held.</param>
/// <param name="Held">Seqs whose inputs are due but held, with the hold.</param>
/// <param name="ByModelAndMonth">Due (unheld) inputs per (model, UTC month): count and bytes.</param>
public sealed record InputRetentionPlan(
    IReadOnlyList<long> Due,
    IReadOnlyList<(long Seq, LegalHold Hold)> Held,
    IReadOnlyDictionary<(string? Model, string Month), (long Count, long Bytes)> ByModelAndMonth);
