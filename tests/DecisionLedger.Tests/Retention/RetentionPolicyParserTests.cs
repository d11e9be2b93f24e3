using DecisionLedger.Retention;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Tests.Retention;

public sealed class RetentionPolicyParserTests
{
    private const string Valid = """
        {"origin":"x","retention":{"default":{"live":"P1Y","inputs":"P90D","keep":"P6Y"},
          "models":{"fraud":{"live":"P6M","inputs":"P30D","keep":"P7Y"},"credit":{"inputs":"P10D"}},
          "legalFloor":"P6M",
          "holds":[{"subject":"customer-1842","reason":"litigation 2026-17"},{"model":"fraud"},{"fromSeq":100,"toSeq":200}]}}
        """;

    [Fact]
    public void Parse_ValidPolicy_MergesModelRulesOverTheDefault()
    {
        RetentionPolicy policy = RetentionPolicyParser.Parse(Valid, "ledger.json");

        Assert.Equal("P6M", policy.RuleFor("fraud").Live!.Text);
        Assert.Equal("P1Y", policy.RuleFor("credit").Live!.Text);
        Assert.Equal("P10D", policy.RuleFor("credit").Inputs!.Text);
        Assert.Equal("P6Y", policy.RuleFor("other").Keep!.Text);
        Assert.Equal(3, policy.Holds.Count);
        Assert.Empty(policy.Overrides);
    }

    [Fact]
    public void Parse_NoRetentionSection_MovesNothing()
    {
        RetentionPolicy policy = RetentionPolicyParser.Parse("""{"origin":"x"}""", "ledger.json");

        Assert.Null(policy.Default.Live);
        Assert.False(policy.IsArchiveDue(Columns("fraud", DateTimeOffset.UnixEpoch), DateTimeOffset.UnixEpoch.AddYears(50)));
    }

    [Theory]
    [InlineData("""{"retention":{"default":{"live":"6 months"}}}""", "retention.default.live")]
    [InlineData("""{"retention":{"default":{"inputs":"P"}}}""", "retention.default.inputs")]
    [InlineData("""{"retention":{"default":{"keep":"P1Y2"}}}""", "retention.default.keep")]
    [InlineData("""{"retention":{"default":{"keep":5}}}""", "retention.default.keep")]
    [InlineData("""{"retention":{"models":{"fraud":{"live":"PT"}}}}""", "retention.models.fraud.live")]
    [InlineData("""{"retention":{"models":{"fraud":{"keep":"P3M"}}}}""", "retention.models.fraud.keep")]
    [InlineData("""{"retention":{"default":{"live":"P2Y","keep":"P1Y"}}}""", "retention.default.keep")]
    [InlineData("""{"retention":{"legalFloor":"six months"}}""", "retention.legalFloor")]
    [InlineData("""{"retention":{"default":{"lve":"P1Y"}}}""", "retention.default.lve")]
    [InlineData("""{"retention":{"models":[]}}""", "retention.models")]
    [InlineData("""{"retention":{"holds":{}}}""", "retention.holds")]
    [InlineData("""{"retention":{"holds":[{"reason":"x"}]}}""", "retention.holds[0]")]
    [InlineData("""{"retention":{"holds":[{"subject":"a","model":"b"}]}}""", "retention.holds[0]")]
    [InlineData("""{"retention":{"holds":[{"fromSeq":5}]}}""", "retention.holds[0].toSeq")]
    [InlineData("""{"retention":{"holds":[{"fromSeq":9,"toSeq":2}]}}""", "retention.holds[0].toSeq")]
    [InlineData("""{"retention":{"holds":[{"fromSeq":-1,"toSeq":2}]}}""", "retention.holds[0].fromSeq")]
    [InlineData("""{"retention":{"default":{"keep":"P1M","overrideLegalFloor":{"by":"dpo"}}}}""", "retention.default.overrideLegalFloor.reason")]
    [InlineData("""{"retention":{"default":{"keep":"P1M","overrideLegalFloor":{"reason":"not high-risk"}}}}""", "retention.default.overrideLegalFloor.by")]
    public void Parse_InvalidField_FailsNamingTheField(string json, string field)
    {
        var error = Assert.Throws<RetentionPolicyException>(() => RetentionPolicyParser.Parse(json, "policy.json"));

        Assert.Equal(field, error.Field);
        Assert.StartsWith(field + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeepBelowFloorWithoutOverride_NamesTheFloorAndTheFix()
    {
        var error = Assert.Throws<RetentionPolicyException>(() => RetentionPolicyParser.Parse("""{"retention":{"default":{"keep":"P90D"}}}""", "ledger.json"));

        Assert.Contains("shorter than the legal floor P6M", error.Message, StringComparison.Ordinal);
        Assert.Contains("overrideLegalFloor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeepBelowFloorWithOverride_IsAcceptedAndLogged()
    {
        using var logs = new ListLoggerProvider();
        const string Json = """{"retention":{"models":{"ranker":{"keep":"P30D","overrideLegalFloor":{"reason":"not a high-risk AI system","by":"dpo@example.com"}}}}}""";

        RetentionPolicy policy = RetentionPolicyParser.Parse(Json, "ledger.json", logs.CreateLogger("retention"));

        Assert.Equal("P30D", policy.RuleFor("ranker").Keep!.Text);
        Assert.Equal(new FloorOverride("not a high-risk AI system", "dpo@example.com"), policy.Overrides["ranker"]);
        LoggedMessage logged = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal(1610, logged.EventId);
        Assert.Contains("retention.models.ranker", logged.Message, StringComparison.Ordinal);
        Assert.Contains("dpo@example.com", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LowerLegalFloor_AcceptsShorterKeepWithoutOverride()
    {
        RetentionPolicy policy = RetentionPolicyParser.Parse("""{"retention":{"legalFloor":"P1M","default":{"keep":"P2M"}}}""", "ledger.json");

        Assert.Equal("P2M", policy.Default.Keep!.Text);
    }

    [Fact]
    public void EnsureNotHeld_HeldSubjectModelOrSeq_RefusesNamingTheHold()
    {
        RetentionPolicy policy = RetentionPolicyParser.Parse(Valid, "ledger.json");

        var bySubject = Assert.Throws<RetentionPolicyException>(() => InputRetentionPlanner.EnsureNotHeld(policy, 5, "credit", "customer-1842", "delete the stored input"));
        var byModel = Assert.Throws<RetentionPolicyException>(() => InputRetentionPlanner.EnsureNotHeld(policy, 5, "fraud", "customer-1", "delete the stored input"));
        var bySeq = Assert.Throws<RetentionPolicyException>(() => InputRetentionPlanner.EnsureNotHeld(policy, 150, "credit", "customer-1", "delete the stored input"));
        InputRetentionPlanner.EnsureNotHeld(policy, 201, "credit", "customer-1", "delete the stored input");

        Assert.Equal("retention.holds[0]", bySubject.Field);
        Assert.Contains("hold on subject customer-1842 (litigation 2026-17)", bySubject.Message, StringComparison.Ordinal);
        Assert.Equal("retention.holds[1]", byModel.Field);
        Assert.Equal("retention.holds[2]", bySeq.Field);
    }

    [Fact]
    public void IsArchiveDue_FollowsTheModelsLiveDuration()
    {
        RetentionPolicy policy = RetentionPolicyParser.Parse(Valid, "ledger.json");
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.True(policy.IsArchiveDue(Columns("fraud", now.AddMonths(-7)), now));
        Assert.False(policy.IsArchiveDue(Columns("credit", now.AddMonths(-7)), now));
        Assert.True(policy.IsArchiveDue(Columns("credit", now.AddMonths(-13)), now));
    }

    private static EntryColumns Columns(string model, DateTimeOffset at) =>
        new("r", at, model, "1", null, null, null, null);
}
