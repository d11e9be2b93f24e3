namespace DecisionLedger.Server.Auth;

/// <summary>A new key: the secret string, shown once, and its stored record.</summary>
/// <param name="Key">The key to hand to the client: <c>dl_&lt;id&gt;_&lt;secret&gt;</c>. It is not stored anywhere.</param>
/// <param name="Record">What was stored.</param>
public sealed record CreatedApiKey(string Key, ApiKeyRecord Record);
