using System.Text;
using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Decisions;

/// <summary>
/// Nesting over <see cref="DecisionLimits.MaxDepth"/> is reported at the member that crosses the limit,
/// not at <c>$</c>: a client with one runaway feature must be able to find it (issue 12, §4).
/// </summary>
public sealed class DecisionParserDepthTests
{
    [Fact]
    public void Parse_OneLevelTooDeep_NamesTheFullPathOfTheValueThatOpensIt()
    {
        var parser = new DecisionParser(new DecisionLimits { MaxDepth = 4 });

        var exception = Assert.Throws<DecisionValidationException>(() => parser.Parse(Some.Utf8(
            """{"model":{"name":"m","version":"1"},"input":{"ok":{"x":1},"a":[{"b":{"c":1}}]},"output":{}}""")));

        Assert.Equal("input.a[0].b", exception.Path);
        Assert.Equal("nested deeper than 4 levels: this value opens level 5", exception.Problem);
        Assert.StartsWith("input.a[0].b: nested deeper than 4 levels", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SecondArrayElementTooDeep_CountsTheIndex()
    {
        var parser = new DecisionParser(new DecisionLimits { MaxDepth = 3 });

        var exception = Assert.Throws<DecisionValidationException>(() => parser.Parse(Some.Utf8(
            """{"model":{"name":"m","version":"1"},"input":{},"output":{"items":[1,"two",[3]]}}""")));

        Assert.Equal("output.items[2]", exception.Path);
    }

    [Fact]
    public void Parse_DefaultLimitDeepMetadata_ShortensTheLongPathKeepingBothEnds()
    {
        // metadata is level 2, so the value of k31 is the first at level 33.
        var json = new StringBuilder("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"metadata":""");
        for (var level = 1; level <= 40; level++)
        {
            json.Append("{\"k").Append(level).Append("\":");
        }

        json.Append('1').Append('}', 40).Append('}');

        var exception = Assert.Throws<DecisionValidationException>(() => DecisionParser.Default.Parse(Some.Utf8(json.ToString())));

        Assert.Equal("metadata.k1.k2.k3.k4.k5….k29.k30.k31", exception.Path);
        Assert.Equal("nested deeper than 32 levels: this value opens level 33", exception.Problem);
        Assert.EndsWith("; flatten the decision or raise DecisionLimits.MaxDepth", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MemberNameThatIsNotPlain_IsQuotedInTheDepthPath()
    {
        var parser = new DecisionParser(new DecisionLimits { MaxDepth = 3 });

        var exception = Assert.Throws<DecisionValidationException>(() => parser.Parse(Some.Utf8(
            """{"model":{"name":"m","version":"1"},"input":{"a b":{"c":{}}},"output":{}}""")));

        Assert.Equal("input['a b'].c", exception.Path);
    }

    [Fact]
    public void Parse_ElementTooDeep_NamesTheSamePathAsTheBytes()
    {
        // A caller's document parsed leniently (any depth) goes through the same rules.
        var text = """{"model":{"name":"m","version":"1"},"input":{"a":{"b":{"c":{}}}},"output":{}}""";
        using var document = JsonDocument.Parse(text);
        var parser = new DecisionParser(new DecisionLimits { MaxDepth = 4 });

        var exception = Assert.Throws<DecisionValidationException>(() => parser.Parse(document.RootElement));

        Assert.Equal("input.a.b.c", exception.Path);
    }
}
