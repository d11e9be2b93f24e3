namespace DecisionLedger.Server.Auth;

/// <summary>The authenticated caller of a request.</summary>
/// <param name="KeyId">The key's id.</param>
/// <param name="KeyName">The key's label, if any.</param>
/// <param name="Role">The key's role.</param>
internal sealed record ApiCaller(string KeyId, string? KeyName, ApiKeyRole Role);
