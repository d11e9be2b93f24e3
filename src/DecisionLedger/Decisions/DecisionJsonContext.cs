using System.Text.Json.Serialization;

namespace DecisionLedger.Decisions;

/// <summary>
/// Source-generated System.Text.Json metadata for the wire types: camelCase, nulls omitted, UTC
/// microsecond timestamps. Used to write decisions (and, later, receipts) without reflection.
/// </summary>
/// <remarks>
/// Reading goes through <see cref="DecisionParser"/>, not this context: the generated deserializer
/// cannot report <c>explanation.attributions.amount</c>-style paths for every failure, refuse blank
/// strings or non-finite numbers inside free-form objects, or keep the size and depth checks in one
/// place. Receipts and other wire types should be registered here with further
/// <see cref="JsonSerializableAttribute"/>s.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(DecisionTimestampConverter)])]
[JsonSerializable(typeof(Decision))]
internal sealed partial class DecisionJsonContext : JsonSerializerContext;
