using System.Text.Json;
using DecisionLedger.Replay;

namespace DecisionLedger.Audit.Tests.Replay;

public sealed class OutputComparerTests
{
    [Fact]
    public void Compare_SameNamedMembersWithinTolerance_Match()
    {
        var comparer = new OutputComparer([], new ReplayTolerances());

        Assert.Empty(comparer.Compare(Json("{\"probability\":0.123457,\"label\":\"fraud\"}"), Json("{\"Probability\":0.12345678,\"label\":\"fraud\",\"extra\":[1,2]}")));
    }

    [Fact]
    public void Compare_MappedAndNamedFields_ReportEachDifferenceWithValuesAndDelta()
    {
        var comparer = new OutputComparer(
            [OutputMapping.Parse("output.fraud=$.PredictedLabel"), OutputMapping.Parse("output.scores=$.raw.scores")],
            ReplayTolerances.Parse(["output.scores=0.5", "0"]));

        List<ReplayDifference> differences = comparer.Compare(
            Json("{\"fraud\":true,\"probability\":0.9,\"scores\":[1,2],\"label\":\"x\"}"),
            Json("{\"PredictedLabel\":false,\"probability\":0.9000001,\"raw\":{\"scores\":[1.4,3]}}"));

        Assert.Equal(["output.fraud", "output.label", "output.probability", "output.scores[1]"], differences.Select(d => d.Path).Order(StringComparer.Ordinal));
        ReplayDifference fraud = differences.Single(d => d.Path == "output.fraud");
        Assert.Equal(("true", "false"), (fraud.Recorded, fraud.Replayed));
        Assert.Null(differences.Single(d => d.Path == "output.label").Replayed);
        ReplayDifference score = differences.Single(d => d.Path == "output.scores[1]");
        Assert.Equal(1, score.Delta);
        Assert.Equal(0.5, score.Tolerance);
    }

    [Fact]
    public void Compare_MappingWhoseResponsePathIsMissing_IsADifferenceNotAMatchByName()
    {
        var comparer = new OutputComparer([OutputMapping.Parse("output.score=$.probability")], new ReplayTolerances());

        ReplayDifference only = Assert.Single(comparer.Compare(Json("{\"score\":0.5}"), Json("{\"score\":0.5}")));

        Assert.Equal("output.score", only.Path);
        Assert.Equal("0.5", only.Recorded);
        Assert.Null(only.Replayed);
    }

    [Theory]
    [InlineData("score=1", "--tolerance")]
    [InlineData("output.score=-1", "--tolerance")]
    [InlineData("output.score=abc", "--tolerance")]
    [InlineData("output..score=1", "--tolerance")]
    public void Tolerances_Malformed_NameTheOption(string value, string named)
    {
        FormatException error = Assert.Throws<FormatException>(() => ReplayTolerances.Parse([value]));

        Assert.StartsWith(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("score")]
    [InlineData("output.score=$.a[x]")]
    [InlineData("result.score=$.a")]
    public void Mapping_Malformed_NamesTheOption(string value)
    {
        FormatException error = Assert.Throws<FormatException>(() => OutputMapping.Parse(value));

        Assert.StartsWith("--map", error.Message, StringComparison.Ordinal);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
