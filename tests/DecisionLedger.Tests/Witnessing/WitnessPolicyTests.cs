using DecisionLedger.Checkpoints;
using DecisionLedger.Randomness;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Tests.Witnessing;

public sealed class WitnessPolicyTests
{
    private static readonly string[] s_keys = [.. Enumerable.Range(1, 6).Select(i => WitnessFixture.Witness(i, $"w{i}.example").VerifierKey)];

    private static readonly string s_log = Ed25519NoteSigner.Generate(WitnessFixture.Origin, new SeededRandomSource(7)).VerifierKey;

    private static CosignatureVerifier Key(int i) => CosignatureVerifier.Parse(s_keys[i - 1]);

    [Fact]
    public void Parse_TwoLevelGroups_AppliesEveryThreshold()
    {
        WitnessPolicy policy = WitnessPolicy.Parse($"""
            # two organizations
            log {s_log}
            witness X1 {s_keys[0]} https://x1.example/
            witness X2 {s_keys[1]}
            witness X3 {s_keys[2]}
            group X-witnesses 2 X1 X2 X3
            witness Y1 {s_keys[3]}
            	witness Y2   {s_keys[4]}
            group Y-witnesses any Y1 Y2
            group X-and-Y all X-witnesses Y-witnesses
            quorum X-and-Y
            """);

        Assert.Single(policy.Logs);
        Assert.Equal(5, policy.Witnesses.Count);
        Assert.Equal(new Uri("https://x1.example/"), policy.Witnesses[0].Url);
        Assert.True(policy.IsQuorumMet([Key(1), Key(3), Key(5)]));
        Assert.False(policy.IsQuorumMet([Key(1), Key(2)]));
        Assert.False(policy.IsQuorumMet([Key(1), Key(4), Key(5)]));
    }

    [Fact]
    public void Parse_QuorumNone_NeedsNoCosignature()
    {
        Assert.True(WitnessPolicy.Parse("quorum none\n").IsQuorumMet([]));
    }

    [Theory]
    [InlineData("witness a {0}\nquorum b\n", "line 2", "'b'")]
    [InlineData("witness a {0}\ngroup g 2 a\nquorum g\n", "line 2", "from 1 to 1")]
    [InlineData("witness a {0}\ngroup g 1 a a\nquorum g\n", "line 2", "twice")]
    [InlineData("witness a {0}\nwitness b {0}\nquorum a\n", "line 2", "same public key")]
    [InlineData("witness a {0}\nwitness a {1}\nquorum a\n", "line 2", "already defined")]
    [InlineData("witness none {0}\nquorum none\n", "line 1", "already defined")]
    [InlineData("witness a {2}\nquorum a\n", "line 1", "0x01")]
    [InlineData("witness a {0}\r\nquorum a\n", "line 1", "LF line endings")]
    [InlineData("witness a {0}\nquorum a\nquorum a\n", "line 3", "exactly one quorum")]
    [InlineData("witness a {0}\nwitnesses b {1}\n", "line 2", "unknown keyword")]
    [InlineData("witness a\nquorum a\n", "line 1", "witness <name> <vkey>")]
    public void Parse_Invalid_NamesTheLineAndTheProblem(string template, string line, string problem)
    {
        string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, s_keys[0], s_keys[1], s_log);

        var e = Assert.Throws<FormatException>(() => WitnessPolicy.Parse(text));

        Assert.StartsWith(line + ":", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoQuorumLine_Throws()
    {
        var e = Assert.Throws<FormatException>(() => WitnessPolicy.Parse($"witness a {s_keys[0]}\n"));

        Assert.Contains("quorum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_QuorumAboveWitnessCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => WitnessPolicy.Threshold(3, [Key(1), Key(2)]));
    }
}
