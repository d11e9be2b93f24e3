namespace DecisionLedger.Retention;

/// <summary>One rule of an <c>input-retention</c> event: the decisions of a model (or of every model without its own cutoff) recorded before an instant had their stored inputs deleted.</summary>
/// <param name="Model">The model, or <see langword="null"/> for the policy's default rule.</param>
/// <param name="Before">Inputs of decisions with a timestamp before this instant were deleted; <see langword="null"/> when this model's inputs are never deleted.</param>
public sealed record InputCutoff(string? Model, DateTimeOffset? Before);
