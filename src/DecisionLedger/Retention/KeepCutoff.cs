namespace DecisionLedger.Retention;

/// <summary>One rule of an <c>archive-expiry</c> event: archive files whose every decision of a model (or of every model without its own cutoff) was recorded before an instant were deleted.</summary>
/// <param name="Model">The model, or <see langword="null"/> for the policy's default rule.</param>
/// <param name="Before">Decisions with a timestamp before this instant were past their <c>keep</c>; <see langword="null"/> when this model's archives are kept for ever.</param>
public sealed record KeepCutoff(string? Model, DateTimeOffset? Before);
