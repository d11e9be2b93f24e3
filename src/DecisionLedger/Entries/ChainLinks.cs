namespace DecisionLedger.Entries;

/// <summary>
/// The back-links of a v2 decision entry (its <c>prev</c> member): the seq of the previous v2
/// decision entry of the same model name and of the same subject ref, or -1 when there is none.
/// Following them from a chain's head visits every entry of the chain, which is what lets a bundle
/// prove that none about a subject or model was left out.
/// </summary>
/// <param name="Model">The seq of the previous v2 decision with the same <c>model.name</c>, or -1.</param>
/// <param name="Subject">The seq of the previous v2 decision with the same <c>subject.ref</c>, or -1 (always -1 when the entry has no subject).</param>
public sealed record ChainLinks(long Model, long Subject)
{
    /// <summary>The link value that means "no previous entry in this chain".</summary>
    public const long None = -1;
}
