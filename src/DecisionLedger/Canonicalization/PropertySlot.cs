using System.Text.Json;

namespace DecisionLedger.Canonicalization;

/// <summary>One object member awaiting sorting: the member (its value, and its name for selector matching) and where its decoded name sits in the scratch buffer.</summary>
internal readonly struct PropertySlot(JsonProperty property, int nameStart, int nameLength)
{
    public JsonProperty Property { get; } = property;

    public JsonElement Value => Property.Value;

    public int NameStart { get; } = nameStart;

    public int NameLength { get; } = nameLength;
}
