using System.Text.Json;

namespace DecisionLedger.AspNetCore.Tests;

/// <summary>One ledger entry as stored: its canonical JSON and its stored input.</summary>
internal sealed record RecordedEntry(JsonElement Entry, JsonElement Input)
{
    public string ModelName => Entry.GetProperty("model").GetProperty("name").GetString()!;

    public JsonElement Output => Entry.GetProperty("output");

    public JsonElement Metadata => Entry.GetProperty("metadata");
}
