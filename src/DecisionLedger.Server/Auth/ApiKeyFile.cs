namespace DecisionLedger.Server.Auth;

/// <summary>The JSON document of <c>api-keys.json</c>.</summary>
/// <param name="Keys">Every key ever created, revoked ones included.</param>
internal sealed record ApiKeyFile(List<ApiKeyRecord> Keys);
