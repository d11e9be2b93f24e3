using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DecisionLedger.AspNetCore.Capture;

/// <summary>Source-generated serialization of the JSON nodes capture builds.</summary>
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class JsonObjectContext : JsonSerializerContext;
