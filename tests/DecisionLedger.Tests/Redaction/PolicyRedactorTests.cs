using System.Diagnostics;
using DecisionLedger.Entries;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Tests.Redaction;

public sealed class PolicyRedactorTests
{
    [Fact]
    public void Redact_ReturnsSameObjectAndNoRedactions_WhenNothingFires()
    {
        Decision decision = DecisionParser.Default.Parse(Some.Utf8(Some.ExampleDecisionJson.Replace("10.0.0.7", "edge-7", StringComparison.Ordinal)));

        RedactionResult result = SomeRedaction.Redactor().Redact(decision);

        Assert.Same(decision, result.Redacted);
        Assert.Empty(result.Applied);
    }

    [Fact]
    public void Redact_ReplacesOnlyTheMatchedText_InFreeText()
    {
        Decision decision = SomeRedaction.Decision("""{"v":"call me at +4915123456789 please"}""");

        RedactionResult result = SomeRedaction.Redactor().Redact(decision);

        Assert.Equal("call me at [PHONE] please", SomeRedaction.InputString(result.Redacted));
        Assert.Equal([new AppliedRedaction("input.v", "detector:phone", "tag")], result.Applied);
    }

    [Theory]
    [InlineData("(555) 123-4567")]
    [InlineData("555-123-4567")]
    [InlineData("+1 555 123 4567")]
    [InlineData("+4915123456789")]
    public void Redact_FindsDocumentedPhoneForms(string phone)
    {
        RedactionResult result = SomeRedaction.Redactor().Redact(SomeRedaction.Decision($$"""{"v":"call {{phone}} now"}"""));

        Assert.Equal("call [PHONE] now", SomeRedaction.InputString(result.Redacted));
    }

    [Fact]
    public void Redact_LeavesOtherSectionsAndFieldsIntact_WhenOneValueRedacted()
    {
        Decision decision = DecisionParser.Default.Parse(Some.Utf8(Some.ExampleDecisionJson));

        RedactionResult result = SomeRedaction.Redactor().Redact(decision);

        Assert.Equal("[IP]", result.Redacted.Metadata!.Value.GetProperty("ip").GetString());
        Assert.Equal(SomeRedaction.Text(decision.Input), SomeRedaction.Text(result.Redacted.Input));
        Assert.Equal(decision.Explanation, result.Redacted.Explanation);
        Assert.Equal(decision.Model, result.Redacted.Model);
        Assert.Equal(decision.Subject, result.Redacted.Subject);
        Assert.Equal([new AppliedRedaction("metadata.ip", "detector:ipv4", "tag")], result.Applied);
    }

    [Fact]
    public void Redact_NeverPutsValuesInAppliedList()
    {
        string[] values = ["jane.doe@example.com", "4111 1111 1111 1111", "123-45-6789", "DE89 3704 0044 0532 0130 00", "10.1.2.3", "+4915123456789"];
        string input = "{" + string.Join(',', values.Select((v, i) => $"\"f{i}\":\"x {v} y\"")) + "}";
        var policy = """{"default":{"rules":[{"name":"n","select":"$.input.f0","operator":"hash"}]}}""";

        RedactionResult result = SomeRedaction.Redactor(policy).Redact(SomeRedaction.Decision(input));

        Assert.Equal(values.Length, result.Applied.Count);
        string applied = string.Join("\n", result.Applied.Select(a => $"{a.Path} {a.Rule} {a.Operator}"));
        Assert.All(values, v => Assert.DoesNotContain(v, applied, StringComparison.Ordinal));
        Assert.All(values, v => Assert.DoesNotContain(v, SomeRedaction.Text(result.Redacted.Input), StringComparison.Ordinal));
    }

    [Fact]
    public void Redact_ScansExplanationMethod_ButLeavesAttributionKeys()
    {
        Decision decision = SomeRedaction.Decision(
            """{"amount":1}""",
            explanation: """{"method":"reviewed by ops@example.com","baseValue":0.1,"attributions":{"jane@example.com":0.2}}""");

        RedactionResult result = SomeRedaction.Redactor().Redact(decision);

        Assert.Equal("reviewed by [EMAIL]", result.Redacted.Explanation!.Method);
        Assert.Equal(0.2, result.Redacted.Explanation.Attributions!["jane@example.com"]);
        Assert.Equal([new AppliedRedaction("explanation.method", "detector:email", "tag")], result.Applied);
    }

    [Fact]
    public void Redact_UsesModelProfile_OverDefault()
    {
        const string policy = """
            {"default":{"detectors":"all"},
             "models":{"fraud_detector":{"detectors":["card"],"rules":[{"name":"who","select":"$.input.name","operator":"tag","tag":"[NAME]"}]}}}
            """;
        var redactor = SomeRedaction.Redactor(policy);
        const string input = """{"name":"Jane","mail":"jane@example.com","card":"4111111111111111"}""";

        RedactionResult fraud = redactor.Redact(SomeRedaction.Decision(input, model: "fraud_detector"));
        RedactionResult other = redactor.Redact(SomeRedaction.Decision(input, model: "churn"));

        Assert.Equal("""{"name":"[NAME]","mail":"jane@example.com","card":"[CARD]"}""", SomeRedaction.Text(fraud.Redacted.Input));
        Assert.Equal("""{"name":"Jane","mail":"[EMAIL]","card":"[CARD]"}""", SomeRedaction.Text(other.Redacted.Input));
    }

    [Fact]
    public void Redact_ModelProfileWithoutDetectors_InheritsDefaultDetectors()
    {
        const string policy = """{"default":{"detectors":["email"]},"models":{"fraud_detector":{"rules":[]}}}""";

        RedactionResult result = SomeRedaction.Redactor(policy).Redact(SomeRedaction.Decision("""{"v":"a@b.io 4111111111111111"}"""));

        Assert.Equal("[EMAIL] 4111111111111111", SomeRedaction.InputString(result.Redacted));
    }

    [Fact]
    public void Redact_ThrowsNamingTheRule_WhenPatternTimesOut()
    {
        var policy = RedactionPolicyLoader.Parse("""{"default":{"detectors":"none","rules":[{"name":"evil","detect":"regex","pattern":"(a+)+$"}]}}""");
        var redactor = new PolicyRedactor(policy, SomeRedaction.Key, TimeSpan.FromMilliseconds(10));
        Decision decision = SomeRedaction.Decision("""{"v":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}""");

        var stopwatch = Stopwatch.StartNew();
        RedactionException e = Assert.Throws<RedactionException>(() => redactor.Redact(decision));
        stopwatch.Stop();

        Assert.Equal("evil", e.Rule);
        Assert.Contains("'evil'", e.Message, StringComparison.Ordinal);
        Assert.Contains("timeout", e.Message, StringComparison.Ordinal);
        // Without the timeout this backtracks 2^32 times (hours); 20 s only separates the two on a busy machine.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Redact_StillWorks_AfterATimeout()
    {
        var policy = RedactionPolicyLoader.Parse("""{"default":{"rules":[{"name":"evil","detect":"regex","pattern":"(a+)+$"}]}}""");
        var redactor = new PolicyRedactor(policy, SomeRedaction.Key, TimeSpan.FromMilliseconds(10));
        Assert.Throws<RedactionException>(() => redactor.Redact(SomeRedaction.Decision("""{"v":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}""")));

        RedactionResult result = redactor.Redact(SomeRedaction.Decision("""{"v":"x@example.com"}"""));

        Assert.Equal("[EMAIL]", SomeRedaction.InputString(result.Redacted));
    }

    [Fact]
    public void Constructor_RejectsShortKey()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new PolicyRedactor(RedactionPolicy.PrivacyByDefault, new byte[31]));

        Assert.Contains("32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoRedaction_ReturnsDecisionUnchanged()
    {
        Decision decision = SomeRedaction.Decision("""{"v":"jane@example.com"}""");

        RedactionResult result = NoRedaction.Instance.Redact(decision);

        Assert.Same(decision, result.Redacted);
        Assert.Empty(result.Applied);
    }

    [Fact]
    public void RedactorFactory_ReturnsNoRedaction_OnlyOnExplicitOptOut()
    {
        IRedactor byDefault = RedactorFactory.Create(new RedactionOptions(), SomeRedaction.Key);
        IRedactor optedOut = RedactorFactory.Create(new RedactionOptions { DisableDefaultDetectors = true }, SomeRedaction.Key);

        Assert.IsType<PolicyRedactor>(byDefault);
        Assert.Equal("[EMAIL]", SomeRedaction.InputString(byDefault.Redact(SomeRedaction.Decision("""{"v":"a@example.com"}""")).Redacted));
        Assert.Same(NoRedaction.Instance, optedOut);
    }

    [Fact]
    public void RedactorFactory_OptOutWithPolicy_KeepsOnlyListedDetectorsAndRules()
    {
        var options = new RedactionOptions
        {
            DisableDefaultDetectors = true,
            Policy = RedactionPolicyLoader.Parse("""{"default":{"rules":[{"select":"$.input.name"}]}}"""),
        };

        IRedactor redactor = RedactorFactory.Create(options, SomeRedaction.Key);
        RedactionResult result = redactor.Redact(SomeRedaction.Decision("""{"name":"Jane","mail":"a@example.com"}"""));

        Assert.Equal("""{"name":"[REDACTED]","mail":"a@example.com"}""", SomeRedaction.Text(result.Redacted.Input));
    }

    [Fact]
    public void Redact_IsThreadSafe_UnderParallelUse()
    {
        var redactor = SomeRedaction.Redactor("""{"default":{"rules":[{"select":"$..ssn","operator":"hash"}]}}""");
        Parallel.For(0, 2000, i =>
        {
            Decision decision = SomeRedaction.Decision($$"""{"ssn":"{{i}}","note":"mail u{{i}}@example.com","ok":"plain {{i}}"}""");
            RedactionResult result = redactor.Redact(decision);
            Assert.Equal("mail [EMAIL]", SomeRedaction.InputString(result.Redacted, "note"));
            Assert.Equal($"plain {i}", SomeRedaction.InputString(result.Redacted, "ok"));
            Assert.StartsWith("hmac:", SomeRedaction.InputString(result.Redacted, "ssn"), StringComparison.Ordinal);
        });
    }
}
