namespace DecisionLedger.Access;

/// <summary>One read of decisions through the API: who, when, which entries, on which route.</summary>
/// <param name="Time">When the read was answered (UTC).</param>
/// <param name="KeyId">The API key's id.</param>
/// <param name="KeyName">The API key's label, if any.</param>
/// <param name="Role">The key's role.</param>
/// <param name="Route">The route template, e.g. <c>GET /v1/decisions/{requestId}</c>.</param>
/// <param name="RequestIds">The request ids of the entries returned.</param>
/// <param name="Seqs">The seqs of the entries returned, in the same order.</param>
public sealed record AccessRecord(DateTimeOffset Time, string KeyId, string? KeyName, string Role, string Route, IReadOnlyList<string> RequestIds, IReadOnlyList<long> Seqs);
