using System.Text.Json;
using System.Text.Json.Serialization;

namespace DecisionLedger.Decisions;

/// <summary>Writes decision timestamps as UTC with six fraction digits (<c>2026-11-23T12:00:00.123456Z</c>) and reads them with the parser's RFC 3339 rules.</summary>
/// <remarks>The default <see cref="DateTimeOffset"/> converter writes <c>+00:00</c> and seven digits, which is not the DESIGN.md wire form.</remarks>
internal sealed class DecisionTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("A timestamp must be a string.");
        return Rfc3339.TryParse(text, out var utc, out var problem)
            ? utc
            : throw new JsonException($"timestamp: {problem}; send e.g. \"{Rfc3339.Example}\"");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Rfc3339.Format(value));
}
