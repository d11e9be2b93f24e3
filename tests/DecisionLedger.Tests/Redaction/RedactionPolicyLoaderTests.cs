using DecisionLedger.Redaction;

namespace DecisionLedger.Tests.Redaction;

public sealed class RedactionPolicyLoaderTests
{
    [Theory]
    [InlineData("""{"name":"r1","select":"$.input.x","operator":"blur"}""", "default.rules[0] 'r1'", "unknown operator 'blur'")]
    [InlineData("""{"select":"$.input.x"},{"name":"bad-path","select":"$.input..[x"}""", "default.rules[1] 'bad-path'", "bad JSON path: position")]
    [InlineData("""{"name":"no-root","select":"input.x"}""", "default.rules[0] 'no-root'", "position 0")]
    [InlineData("""{"name":"re","detect":"regex","pattern":"(unclosed"}""", "default.rules[0] 're'", "does not compile")]
    [InlineData("""{"name":"re","detect":"regex"}""", "default.rules[0] 're'", "needs a \"pattern\"")]
    [InlineData("""{"name":"m","select":"$.input.x","operator":"mask","keep":-1}""", "default.rules[0] 'm'", "keep is -1")]
    [InlineData("""{"name":"both","select":"$.input.x","detect":"email"}""", "default.rules[0] 'both'", "both \"select\" and \"detect\"")]
    [InlineData("""{"operator":"tag"}""", "default.rules[0]", "neither \"select\"")]
    [InlineData("""{"name":"d","detect":"passport"}""", "default.rules[0] 'd'", "unknown detector 'passport'")]
    [InlineData("""{"name":"u","select":"$.input.x","colour":"red"}""", "default.rules[0] 'u'", "unknown member 'colour'")]
    public void Parse_InvalidRule_NamesRuleAndReason(string rules, string location, string reason)
    {
        RedactionPolicyException e = Assert.Throws<RedactionPolicyException>(() => RedactionPolicyLoader.Parse("{\"default\":{\"rules\":[" + rules + "]}}"));

        Assert.StartsWith(location, e.Location, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidRuleInModelProfile_NamesModel()
    {
        RedactionPolicyException e = Assert.Throws<RedactionPolicyException>(() =>
            RedactionPolicyLoader.Parse("""{"models":{"fraud_detector":{"rules":[{"select":"$.x"},{"name":"k","select":"$.input.a","operator":"mask","keep":-2}]}}}"""));

        Assert.Equal("models.fraud_detector.rules[1] 'k'", e.Location);
    }

    [Fact]
    public void Parse_BadDetectorList_NamesEntry()
    {
        RedactionPolicyException e = Assert.Throws<RedactionPolicyException>(() => RedactionPolicyLoader.Parse("""{"default":{"detectors":["email","fax"]}}"""));

        Assert.Equal("default.detectors[1]", e.Location);
    }

    [Fact]
    public void Parse_MalformedJson_ReportsLine()
    {
        RedactionPolicyException e = Assert.Throws<RedactionPolicyException>(() => RedactionPolicyLoader.Parse("{\n \"default\": {\n  \"rules\": [ { \"select\": } ]\n }\n}"));

        Assert.Equal("line 3", e.Location);
    }

    [Fact]
    public void Parse_ValidPolicy_ReadsEveryMember()
    {
        RedactionPolicy policy = RedactionPolicyLoader.Parse("""
            // comments are allowed
            {"default":{"detectors":["email","ip"],"rules":[{"name":"n","select":"$..ssn","operator":"mask","keep":2,"tag":"[T]"}]},
             "models":{"m":{"detectors":"none"}}}
            """);

        Assert.Equal([RedactionDetector.Email, RedactionDetector.Ip], policy.Default.Detectors);
        Assert.Equal(new RedactionRule { Name = "n", Select = "$..ssn", Operator = RedactionOperator.Mask, Keep = 2, Tag = "[T]" }, policy.Default.Rules![0]);
        Assert.Empty(policy.Models["m"].Detectors!);
        Assert.Null(policy.Models["m"].Rules);
    }

    [Fact]
    public void Load_MissingFile_NamesFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-policy-" + Guid.NewGuid().ToString("N") + ".json");

        RedactionPolicyException e = Assert.Throws<RedactionPolicyException>(() => RedactionPolicyLoader.Load(path));

        Assert.Equal(path, e.Location);
    }

    [Fact]
    public void Load_InvalidFile_NamesFileAndRule()
    {
        string path = Path.Combine(Path.GetTempPath(), "policy-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{"default":{"rules":[{"name":"x","select":"$.input.a","operator":"smudge"}]}}""");
        try
        {
            RedactionPolicyException e = Assert.Throws<RedactionPolicyException>(() => RedactionPolicyLoader.Load(path));

            Assert.Equal($"{path}: default.rules[0] 'x'", e.Location);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Constructor_ValidatesCodeBuiltPolicy_NamingRule()
    {
        var policy = new RedactionPolicy { Default = new RedactionProfile { Rules = [new RedactionRule { Name = "neg", Select = "$.input.a", Keep = -1 }] } };

        RedactionPolicyException e = Assert.Throws<RedactionPolicyException>(() => new PolicyRedactor(policy, SomeRedaction.Key));

        Assert.Equal("default.rules[0] 'neg'", e.Location);
    }
}
