using DecisionLedger.Entries;
using DecisionLedger.Redaction;

namespace DecisionLedger.Tests.Redaction;

public sealed class SelectorAndOperatorTests
{
    private static string Run(string rule, string input, string? metadata = null, string? detectors = "\"none\"")
    {
        string policy = "{\"default\":{\"detectors\":" + detectors + ",\"rules\":[" + rule + "]}}";
        RedactionResult result = SomeRedaction.Redactor(policy).Redact(SomeRedaction.Decision(input, metadata));
        return SomeRedaction.Text(result.Redacted.Input) + (result.Redacted.Metadata is { } m ? " " + SomeRedaction.Text(m) : "");
    }

    [Fact]
    public void Select_MemberPath_TagsThatValueOnly()
    {
        Assert.Equal(
            """{"email":"[REDACTED]","other":{"email":"b@x.io"}}""",
            Run("""{"select":"$.input.email"}""", """{"email":"a@x.io","other":{"email":"b@x.io"}}"""));
    }

    [Fact]
    public void Select_RecursiveDescent_FindsNameAtAnyDepth_IncludingArrays()
    {
        Assert.Equal(
            """{"ssn":"[X]","people":[{"ssn":"[X]"},{"name":"n"}],"deep":{"a":{"ssn":"[X]"}}}""",
            Run("""{"select":"$..ssn","tag":"[X]"}""", """{"ssn":"1","people":[{"ssn":"2"},{"name":"n"}],"deep":{"a":{"ssn":3}}}"""));
    }

    [Fact]
    public void Select_Wildcard_TagsEveryMemberOfSection()
    {
        Assert.Equal(
            """{"amount":12.5} {"ip":"[REDACTED]","endpoint":"[REDACTED]"}""",
            Run("""{"select":"$.metadata.*"}""", """{"amount":12.5}""", """{"ip":"1.2.3.4","endpoint":"/predict"}"""));
    }

    [Fact]
    public void Select_BracketNameAndIndex_SelectExactly()
    {
        Assert.Equal(
            """{"a b":"[REDACTED]","items":[1,"[REDACTED]",3]}""",
            Run("""{"select":"$.input['a b']"},{"select":"$.input.items[1]"}""", """{"a b":"x","items":[1,2,3]}"""));
    }

    [Fact]
    public void Drop_RemovesPropertyAndArrayElement_AndRecordsOriginalIndex()
    {
        string policy = """{"default":{"detectors":"none","rules":[{"name":"d","select":"$..secret","operator":"drop"},{"name":"e","select":"$.input.list[0]","operator":"drop"}]}}""";

        RedactionResult result = SomeRedaction.Redactor(policy).Redact(SomeRedaction.Decision("""{"secret":"s","keep":1,"list":["x","y"]}"""));

        Assert.Equal("""{"keep":1,"list":["y"]}""", SomeRedaction.Text(result.Redacted.Input));
        Assert.Equal([new AppliedRedaction("input.secret", "d", "drop"), new AppliedRedaction("input.list[0]", "e", "drop")], result.Applied);
    }

    [Theory]
    [InlineData(4, "4111111111111111", "************1111")]
    [InlineData(0, "secret", "******")]
    [InlineData(2, "ab", "**")]
    [InlineData(4, "abc", "***")]
    public void Mask_KeepsLastN_AndMasksShortValuesEntirely(int keep, string value, string expected)
    {
        Assert.Equal(
            $$"""{"v":"{{expected}}"}""",
            Run($$"""{"select":"$.input.v","operator":"mask","keep":{{keep}}}""", $$"""{"v":"{{value}}"}"""));
    }

    [Fact]
    public void Mask_OfNumber_MasksItsCanonicalText()
    {
        Assert.Equal("""{"v":"***9.99"}""", Run("""{"select":"$.input.v","operator":"mask"}""", """{"v":1249.990}"""));
    }

    [Fact]
    public void Hash_IsJoinable_SameValueSameOutput_DifferentKeyDifferentOutput()
    {
        string policy = """{"default":{"detectors":"none","rules":[{"select":"$.input.*","operator":"hash"}]}}""";
        var decision = SomeRedaction.Decision("""{"a":"jane@example.com","b":"jane@example.com","c":"john@example.com"}""");

        var first = SomeRedaction.Redactor(policy).Redact(decision).Redacted.Input;
        var other = SomeRedaction.Redactor(policy, SomeRedaction.OtherKey).Redact(decision).Redacted.Input;

        string a = first.GetProperty("a").GetString()!;
        Assert.Matches("^hmac:[0-9a-f]{32}$", a);
        Assert.Equal(a, first.GetProperty("b").GetString());
        Assert.NotEqual(a, first.GetProperty("c").GetString());
        Assert.NotEqual(a, other.GetProperty("a").GetString());
    }

    [Fact]
    public void Hash_Detector_JoinsOneCardWrittenTwoWays()
    {
        string policy = """{"default":{"detectors":"none","rules":[{"detect":"card","operator":"hash"}]}}""";

        var input = SomeRedaction.Redactor(policy).Redact(SomeRedaction.Decision("""{"a":"4111 1111 1111 1111","b":"4111-1111-1111-1111"}""")).Redacted.Input;

        Assert.Equal(input.GetProperty("a").GetString(), input.GetProperty("b").GetString());
    }

    [Fact]
    public void Detector_WithMaskAndDrop_ActsOnMatchedTextOnly()
    {
        string policy = """{"default":{"detectors":"none","rules":[{"detect":"card","operator":"mask"},{"detect":"email","operator":"drop"}]}}""";

        var input = SomeRedaction.Redactor(policy).Redact(SomeRedaction.Decision("""{"v":"card 4111111111111111 mail a@b.io."}""")).Redacted.Input;

        Assert.Equal("card ************1111 mail .", input.GetProperty("v").GetString());
    }

    [Fact]
    public void CustomRegex_TagsMatches_WithRuleName()
    {
        string policy = """{"default":{"detectors":"none","rules":[{"name":"employee-id","detect":"regex","pattern":"EMP-[0-9]{6}","tag":"[EMP]"}]}}""";

        RedactionResult result = SomeRedaction.Redactor(policy).Redact(SomeRedaction.Decision("""{"v":"by EMP-123456 and EMP-654321"}"""));

        Assert.Equal("by [EMP] and [EMP]", SomeRedaction.InputString(result.Redacted));
        Assert.Equal([new AppliedRedaction("input.v", "employee-id", "tag")], result.Applied);
    }

    [Fact]
    public void Selector_WinsOverDetectors_ForTheSameValue()
    {
        string result = Run("""{"name":"mail","select":"$.input.v","operator":"mask","keep":0}""", """{"v":"a@b.io"}""", detectors: "\"all\"");

        Assert.Equal("""{"v":"******"}""", result);
    }

    [Fact]
    public void Select_Explanation_DropsAttributionButTagLeavesNumbers()
    {
        string policy = """{"default":{"detectors":"none","rules":[{"select":"$.explanation.attributions.zip","operator":"drop"},{"select":"$.explanation.baseValue"}]}}""";
        var decision = SomeRedaction.Decision("""{"a":1}""", explanation: """{"method":"shap","baseValue":0.1,"attributions":{"zip":0.3,"amount":0.2}}""");

        RedactionResult result = SomeRedaction.Redactor(policy).Redact(decision);

        Assert.Equal(0.1, result.Redacted.Explanation!.BaseValue);
        Assert.Equal(["amount"], result.Redacted.Explanation.Attributions!.Keys);
        Assert.Equal([new AppliedRedaction("explanation.attributions.zip", "rules[0]", "drop")], result.Applied);
    }
}
