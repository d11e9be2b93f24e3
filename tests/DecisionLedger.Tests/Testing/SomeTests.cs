using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Testing;

public sealed class SomeTests
{
    [Fact]
    public void Decision_Index_ParsesWithSubjectAndRequestId()
    {
        Decision decision = Some.Decision(12, requestId: "req-12", contact: Some.Email);

        Assert.Equal("customer-0012", decision.Subject!.Id);
        Assert.Equal("req-12", decision.RequestId);
        Assert.Equal(Some.Email, decision.Input.GetProperty("contact").GetString());
        Assert.Equal(12.5, decision.Input.GetProperty("amount").GetDouble());
    }

    [Fact]
    public void DecisionLines_Count_GivesThatManyParsableLines()
    {
        string[] lines = Some.DecisionLines(3).Split('\n');

        Assert.Equal(string.Empty, lines[^1]);
        Assert.Equal(3, lines.Length - 1);
        Assert.All(lines[..^1], line => DecisionParser.Default.Parse(Some.Utf8(line)));
        Assert.Equal(string.Empty, Some.DecisionLines(0));
    }

    [Fact]
    public void DecisionJson_NegativeIndex_Throws()
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => Some.DecisionJson(-1));

        Assert.Equal("i", error.ParamName);
    }

    [Fact]
    public void InvalidDecisionJson_IsRefusedByTheParser()
    {
        DecisionValidationException error = Assert.Throws<DecisionValidationException>(() => DecisionParser.Default.Parse(Some.Utf8(Some.InvalidDecisionJson)));

        Assert.Contains("version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleDecisionUtf8_Edit_ChangesOnlyThatField()
    {
        using JsonDocument edited = JsonDocument.Parse(Some.ExampleDecisionUtf8(node => node["latencyMs"] = 99));

        Assert.Equal(99, edited.RootElement.GetProperty("latencyMs").GetInt32());
        Assert.Equal("customer-1842", edited.RootElement.GetProperty("subject").GetProperty("id").GetString());
    }
}
