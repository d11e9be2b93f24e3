namespace DecisionLedger.Server.Auth;

/// <summary>One API key as stored in <c>api-keys.json</c>: never the key itself, only its SHA-256.</summary>
/// <param name="Id">The key's public id (the middle part of <c>dl_&lt;id&gt;_&lt;secret&gt;</c>).</param>
/// <param name="Name">A label for people (who or what holds the key); may be null.</param>
/// <param name="Role">What the key may do: <c>ingest</c>, <c>reader</c>, <c>auditor</c> or <c>admin</c>.</param>
/// <param name="Hash">Lower-case hex SHA-256 of the whole key string.</param>
/// <param name="Created">When the key was created (UTC).</param>
/// <param name="Revoked">When the key was revoked (UTC); null while it is valid.</param>
public sealed record ApiKeyRecord(string Id, string? Name, string Role, string Hash, DateTimeOffset Created, DateTimeOffset? Revoked);
