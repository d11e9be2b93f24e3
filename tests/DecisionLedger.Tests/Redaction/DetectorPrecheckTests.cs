using System.Text;
using DecisionLedger.Redaction;

namespace DecisionLedger.Tests.Redaction;

/// <summary>
/// The pre-checks that skip a detector's pattern must keep detection results exactly as they were: wherever a
/// built-in pattern matches and the former count-only pre-check let it run, <see cref="BuiltInDetectors.MayMatch"/>
/// still says it may, over both the UTF-16 text and its UTF-8 bytes.
/// </summary>
public sealed class DetectorPrecheckTests
{
    private static readonly RedactionDetector[] s_kinds =
    [
        RedactionDetector.Email, RedactionDetector.Phone, RedactionDetector.Ssn, RedactionDetector.Card,
        RedactionDetector.Iban, RedactionDetector.IPv4, RedactionDetector.IPv6,
    ];

    [Fact]
    public void MayMatch_PiiCorpus_NeverSkipsAPatternThatMatches()
    {
        var corpus = new PiiCorpus(11);
        for (int i = 0; i < 2_000; i++)
        {
            foreach (string value in new[]
            {
                corpus.ValidCard(), corpus.InvalidCard(), corpus.ValidSsn(), corpus.InvalidSsn(), corpus.Email(), corpus.Phone(),
                corpus.ValidIban(), corpus.InvalidIban(), corpus.IPv4(), corpus.InvalidIPv4(), corpus.IPv6(),
            })
            {
                AssertNecessary(value);
                AssertNecessary("note: " + value + ", thanks");
            }
        }
    }

    [Fact]
    public void MayMatch_RandomStringsOfPatternCharacters_NeverSkipsAPatternThatMatches()
    {
        // Tokens shaped like the patterns' parts, so random joins often form (and narrowly miss) matches.
        string[] tokens = ["0", "7", "12", "555", "4111", "98765", " ", "-", ".", ":", "::", "@", "+", "+1", "(", ")", "DE", "GB", "ab", "x.io", "_", "/", "fe80"];
        var random = new Random(1234);
        var builder = new StringBuilder();
        int matched = 0;
        for (int i = 0; i < 40_000; i++)
        {
            builder.Clear();
            int length = random.Next(1, 16);
            for (int k = 0; k < length; k++)
            {
                builder.Append(tokens[random.Next(tokens.Length)]);
            }

            matched += AssertNecessary(builder.ToString());
        }

        // The tokens are dense enough that every pattern fires often; otherwise the test proves little.
        Assert.True(matched > 4_000, $"only {matched} strings matched a pattern");
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("tx-00001842")]
    [InlineData("m-004211")]
    public void MayMatch_CommonIdentifiers_SkipEveryDigitPattern(string value)
    {
        TextStats stats = TextStats.Of(Encoding.UTF8.GetBytes(value));
        foreach (RedactionDetector kind in new[] { RedactionDetector.Phone, RedactionDetector.Ssn, RedactionDetector.Card, RedactionDetector.Iban })
        {
            Assert.False(BuiltInDetectors.MayMatch(kind, stats), kind.ToString());
        }
    }

    private static int AssertNecessary(string value)
    {
        TextStats chars = TextStats.Of(value.AsSpan());
        TextStats bytes = TextStats.Of(Encoding.UTF8.GetBytes(value));
        int matched = 0;
        foreach (RedactionDetector kind in s_kinds)
        {
            if (BuiltInDetectors.Pattern(kind).IsMatch(value) && CountsAllow(kind, chars))
            {
                matched = 1;
                Assert.True(BuiltInDetectors.MayMatch(kind, chars), $"{kind} matches \"{value}\" but its pre-check (chars) skips it");
                Assert.True(BuiltInDetectors.MayMatch(kind, bytes), $"{kind} matches \"{value}\" but its pre-check (bytes) skips it");
            }
        }

        return matched;
    }

    // The pre-check before the shapes were added (counts only): the new one must keep every string it let through that matches.
    private static bool CountsAllow(RedactionDetector kind, in TextStats stats) => kind switch
    {
        RedactionDetector.Email => stats.HasAt,
        RedactionDetector.Phone => stats.Digits >= 8,
        RedactionDetector.Ssn => stats.Digits >= 9 && stats.Dashes >= 2,
        RedactionDetector.Card => stats.Digits >= 13,
        RedactionDetector.Iban => stats.Digits >= 7,
        RedactionDetector.IPv4 => stats.Digits >= 4 && stats.Dots >= 3,
        _ => stats.Colons >= 2,
    };
}
