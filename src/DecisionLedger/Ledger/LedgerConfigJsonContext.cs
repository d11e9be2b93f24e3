using System.Text.Json.Serialization;

namespace DecisionLedger.Ledger;

/// <summary>Source-generated JSON for <see cref="LedgerConfig"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(LedgerConfig))]
internal sealed partial class LedgerConfigJsonContext : JsonSerializerContext;
