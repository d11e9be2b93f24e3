using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Decisions;

public sealed class DecisionValidationExceptionTests
{
    [Fact]
    public void Message_JoinsPathProblemAndFix()
    {
        var exception = new DecisionValidationException("model.version", "required", "a non-empty string");

        Assert.Equal("model.version: required; a non-empty string", exception.Message);
        Assert.Null(exception.LineNumber);
    }

    [Fact]
    public void WithLine_PrefixesLineAndKeepsTheRest()
    {
        var original = new DecisionValidationException("input", "required", "send an object");

        var withLine = original.WithLine(3);

        Assert.Equal("line 3: input: required; send an object", withLine.Message);
        Assert.Equal(3, withLine.LineNumber);
        Assert.Equal(("input", "required", "send an object"), (withLine.Path, withLine.Problem, withLine.Fix));
        Assert.Null(original.LineNumber);
    }
}
