namespace DecisionLedger.Storage;

/// <summary>
/// One row of a ledger's <c>subjects</c> mapping: a clear subject id and the random ref that v2
/// entries carry in its place. The clear id lives only here, so deleting the row (erasure) leaves
/// no file of the ledger linking the person to any entry.
/// </summary>
/// <param name="SubjectId">The clear subject id, as the application passed it.</param>
/// <param name="Ref">Base64url without padding of 16 random bytes (22 characters); unique per ledger.</param>
public sealed record SubjectRef(string SubjectId, string Ref);
