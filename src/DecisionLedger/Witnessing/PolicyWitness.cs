namespace DecisionLedger.Witnessing;

/// <summary>A witness named in a witness policy.</summary>
/// <param name="Name">The witness's name in the policy file (used by group and quorum lines).</param>
/// <param name="Verifier">The witness's cosignature verifier key.</param>
/// <param name="Url">The witness's submission prefix, when the policy gives one; otherwise <see langword="null"/>.</param>
public sealed record PolicyWitness(string Name, CosignatureVerifier Verifier, Uri? Url);
