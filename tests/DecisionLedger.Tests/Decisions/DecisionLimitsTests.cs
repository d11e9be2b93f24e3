using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Decisions;

public sealed class DecisionLimitsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var limits = new DecisionLimits();

        Assert.Equal(1_048_576, limits.MaxPayloadBytes);
        Assert.Equal(32, limits.MaxDepth);
        Assert.Equal(65_536, limits.MaxStringLength);
        Assert.Equal(128, limits.MaxRequestIdLength);
        Assert.Equal(1024, limits.MaxAttributions);
    }

    [Theory]
    [InlineData(nameof(DecisionLimits.MaxPayloadBytes), 0)]
    [InlineData(nameof(DecisionLimits.MaxDepth), -1)]
    [InlineData(nameof(DecisionLimits.MaxDepth), 257)]
    [InlineData(nameof(DecisionLimits.MaxStringLength), 0)]
    [InlineData(nameof(DecisionLimits.MaxRequestIdLength), 0)]
    [InlineData(nameof(DecisionLimits.MaxAttributions), -5)]
    public void Constructor_UnusableLimit_ThrowsNamingIt(string name, int value)
    {
        var limits = new DecisionLimits();
        typeof(DecisionLimits).GetProperty(name)!.SetValue(limits, value);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new DecisionParser(limits));

        Assert.Equal(name, exception.ParamName);
    }

    [Fact]
    public void Constructor_CopiesLimits_LaterChangesDoNotApply()
    {
        var limits = new DecisionLimits { MaxRequestIdLength = 200 };
        var parser = new DecisionParser(limits);
        limits.MaxRequestIdLength = 1;

        var decision = parser.Parse(Some.ExampleDecisionUtf8(d => d["requestId"] = "abc"));

        Assert.Equal("abc", decision.RequestId);
    }
}
