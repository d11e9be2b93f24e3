namespace DecisionLedger.Server.Auth;

/// <summary>Endpoint metadata: the permission a route needs, read by the OpenAPI document.</summary>
/// <param name="Permission">The permission.</param>
internal sealed record RequiredPermission(ApiPermission Permission);
