namespace DecisionLedger.Verification;

/// <summary>The first problem verification found: where, what kind, and what was expected versus found.</summary>
/// <param name="Seq">
/// The first bad <c>seq</c> (entry position). For checkpoint findings it is the tree size the
/// offending checkpoint claims (or, for a bundle whose checkpoint does not verify, 0).
/// </param>
/// <param name="Kind">The kind of tampering.</param>
/// <param name="Detail">A sentence an auditor understands, naming what was expected and what was found.</param>
public sealed record TamperFinding(long Seq, TamperKind Kind, string Detail)
{
    /// <summary>Formats the finding as <c>seq N: Kind: detail</c>.</summary>
    public override string ToString() => $"seq {Seq}: {Kind}: {Detail}";
}
