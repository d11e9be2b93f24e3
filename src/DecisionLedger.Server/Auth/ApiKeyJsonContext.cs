using System.Text.Json.Serialization;

namespace DecisionLedger.Server.Auth;

/// <summary>Source-generated JSON for the key file.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ApiKeyFile))]
internal sealed partial class ApiKeyJsonContext : JsonSerializerContext;
