using System.Text;
using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Decisions;

public sealed class DecisionJsonTests
{
    [Theory]
    [InlineData(Some.ExampleDecisionJson)]
    [InlineData(Some.MinimalDecisionJson)]
    public void Serialize_ParsedDecision_RoundTripsThroughParse(string json)
    {
        var original = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json));

        var bytes = DecisionJson.Serialize(original);
        var again = DecisionParser.Default.Parse(bytes);

        Assert.Equal(bytes, DecisionJson.Serialize(again));
        Assert.Equal(original.RequestId, again.RequestId);
        Assert.Equal(original.Timestamp, again.Timestamp);
        Assert.Equal(original.Model with { Parameters = null }, again.Model with { Parameters = null });
        Assert.True(JsonElement.DeepEquals(original.Input, again.Input));
        Assert.True(JsonElement.DeepEquals(original.Output, again.Output));
        Assert.Equal(original.Explanation?.Attributions, again.Explanation?.Attributions);
        Assert.Equal(original.LatencyMs, again.LatencyMs);
    }

    [Fact]
    public void Serialize_Decision_WritesCamelCaseWireFormWithoutNulls()
    {
        var decision = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Some.MinimalDecisionJson));

        var json = DecisionJson.SerializeToString(decision);

        Assert.Equal("""{"model":{"name":"fraud_detector","version":"3.2.1"},"input":{"amount":120.5},"output":{"score":0.93}}""", json);
    }

    [Fact]
    public void Serialize_Timestamp_WritesUtcWithSixFractionDigits()
    {
        var decision = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Some.MinimalDecisionJson)) with
        {
            Timestamp = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567),
        };

        using var document = JsonDocument.Parse(DecisionJson.Serialize(decision));

        Assert.Equal("2026-11-23T12:00:00.123456Z", document.RootElement.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void Serialize_ToWriter_WritesOneObject()
    {
        var decision = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Some.ExampleDecisionJson));
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            DecisionJson.Serialize(writer, decision);
        }

        Assert.Equal(DecisionJson.Serialize(decision), stream.ToArray());
    }
}
