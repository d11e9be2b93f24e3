using System.Text.Json;

namespace DecisionLedger.Canonicalization;

/// <summary>One object member awaiting sorting: its value and where its decoded name sits in the scratch buffer.</summary>
internal readonly struct PropertySlot(JsonElement value, int nameStart, int nameLength)
{
    public JsonElement Value { get; } = value;

    public int NameStart { get; } = nameStart;

    public int NameLength { get; } = nameLength;
}
