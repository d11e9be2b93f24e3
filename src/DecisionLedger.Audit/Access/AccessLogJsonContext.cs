using System.Text.Json.Serialization;

namespace DecisionLedger.Access;

/// <summary>Source-generated JSON for access log lines.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AccessRecord))]
internal sealed partial class AccessLogJsonContext : JsonSerializerContext;
