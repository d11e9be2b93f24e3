namespace DecisionLedger.Completeness;

/// <summary>
/// The proof that a bundle holds every v2 decision of one chain (a data subject's <c>s:&lt;ref&gt;</c>
/// or a model's <c>m:&lt;name&gt;</c>) recorded between two <c>heads</c> entries: the upper heads
/// entry is the last entry under the bundle's checkpoint; the lower one, for a time window, is an
/// earlier heads entry (none: from the start of the chain). The heads entries and every entry of the
/// chain between the two bounds travel in the bundle with their inclusion proofs; walking the
/// entries' <c>prev</c> links from the upper head back to the lower one must visit exactly
/// <c>upper.count − lower.count</c> of them.
/// </summary>
/// <param name="Key">The chain's heads-map key, e.g. <c>s:q83vEjRWeJqrze8SNFZ4mg</c> or <c>m:fraud_detector</c>.</param>
/// <param name="TreeSize">The size of the checkpoint the proof is against.</param>
/// <param name="Upper">The heads entry at <c>TreeSize − 1</c> and the key's head in it.</param>
/// <param name="Lower">An earlier heads entry bounding a window from below, or null for the whole chain.</param>
/// <param name="Chain">The seqs of the chain's entries between the bounds, newest first (informative: the verifier walks the links itself and requires the same list).</param>
public sealed record CompletenessProof(string Key, long TreeSize, HeadsBound Upper, HeadsBound? Lower, IReadOnlyList<long> Chain)
{
    /// <summary>The number of chain entries the proof claims lie between the bounds.</summary>
    public long ExpectedCount => Upper.Count - (Lower?.Count ?? 0);
}
