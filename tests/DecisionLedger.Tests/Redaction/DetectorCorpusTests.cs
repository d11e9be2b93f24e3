using System.Text.Json;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Tests.Redaction;

/// <summary>
/// Recall and precision of the built-in detectors over a seeded corpus: every valid value is found
/// alone, inside free text, deep in nested objects and arrays, and in metadata; every invalid look-alike
/// (Luhn-invalid card, bad SSN area/group/serial, wrong IBAN check digits, octet over 255) is left alone.
/// </summary>
public sealed class DetectorCorpusTests
{
    private const int PerKind = 240;

    private static readonly PolicyRedactor s_redactor = SomeRedaction.Redactor();

    public static TheoryData<string> Kinds() => ["card", "ssn", "email", "phone", "iban", "ipv4", "ipv6"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Redact_FindsEveryValidValue_InEveryContext(string kind)
    {
        var corpus = new PiiCorpus(seed: kind.GetHashCode(StringComparison.Ordinal) & 0xFFFF ^ 1842);
        string tag = kind switch
        {
            "card" => "[CARD]",
            "ssn" => "[SSN]",
            "email" => "[EMAIL]",
            "phone" => "[PHONE]",
            "iban" => "[IBAN]",
            _ => "[IP]",
        };
        var misses = new List<string>();
        for (int i = 0; i < PerKind; i++)
        {
            string value = kind switch
            {
                "card" => corpus.ValidCard(),
                "ssn" => corpus.ValidSsn(),
                "email" => corpus.Email(),
                "phone" => corpus.Phone(),
                "iban" => corpus.ValidIban(),
                "ipv4" => corpus.IPv4(),
                _ => corpus.IPv6(),
            };
            if (!Finds(value, tag, context: i % 4))
            {
                misses.Add(value);
            }
        }

        double recall = 1.0 - ((double)misses.Count / PerKind);
        Assert.True(recall >= 0.99, $"{kind}: recall {recall:P1}; missed {string.Join(" | ", misses.Take(10))}");
        Assert.Empty(misses);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Redact_LeavesInvalidLookAlikesAlone(string kind)
    {
        if (kind is "email" or "phone" or "ipv6")
        {
            return; // no checksum to fail: the shape is the whole test, covered by the other suites.
        }

        var corpus = new PiiCorpus(seed: 7 + kind.Length);
        var falsePositives = new List<string>();
        for (int i = 0; i < PerKind; i++)
        {
            string value = kind switch
            {
                "card" => corpus.InvalidCard(),
                "ssn" => corpus.InvalidSsn(),
                "iban" => corpus.InvalidIban(),
                _ => corpus.InvalidIPv4(),
            };
            foreach (int context in new[] { 0, 1, 2, 3 })
            {
                Decision decision = Place(value, context);
                RedactionResult result = s_redactor.Redact(decision);
                if (!ReferenceEquals(decision, result.Redacted) || result.Applied.Count != 0)
                {
                    falsePositives.Add($"{value} (context {context}: {string.Join(",", result.Applied.Select(a => a.Rule))})");
                }
            }
        }

        Assert.True(falsePositives.Count == 0, $"{kind}: {falsePositives.Count} false positives, e.g. {string.Join(" | ", falsePositives.Take(10))}");
    }

    [Fact]
    public void Redact_CorpusCoversEnoughCards()
    {
        var corpus = new PiiCorpus(seed: 3);
        string[] cards = [.. Enumerable.Range(0, 300).Select(_ => corpus.ValidCard())];
        Assert.Contains(cards, c => c.Replace(" ", "", StringComparison.Ordinal).Length == 15 && c.StartsWith('3'));
        Assert.Contains(cards, c => c.Contains('-', StringComparison.Ordinal));
        Assert.Contains(cards, c => c.Contains(' ', StringComparison.Ordinal));
        Assert.Contains(cards, c => c.All(char.IsAsciiDigit) && c.Length == 13);
        Assert.All(cards, c => Assert.True(Luhn.IsValid(c), c));
    }

    private static bool Finds(string value, string tag, int context)
    {
        Decision decision = Place(value, context);
        RedactionResult result = s_redactor.Redact(decision);
        string expected = context switch
        {
            0 => tag,
            1 => $"call me at {tag} please, ref {tag}.",
            _ => tag,
        };
        string? actual = context switch
        {
            0 => SomeRedaction.InputString(result.Redacted),
            1 => SomeRedaction.InputString(result.Redacted, "note"),
            2 => result.Redacted.Input.GetProperty("a").GetProperty("b")[1].GetProperty("c")[0].GetString(),
            _ => result.Redacted.Metadata!.Value.GetProperty("client").GetString(),
        };
        string everything = SomeRedaction.Text(result.Redacted.Input) + (result.Redacted.Metadata is { } m ? SomeRedaction.Text(m) : "");
        return actual == expected && !everything.Contains(JsonEncodedText.Encode(value).ToString(), StringComparison.Ordinal) && result.Applied.Count >= 1;
    }

    private static Decision Place(string value, int context)
    {
        string quoted = JsonSerializer.Serialize(value);
        string text = JsonSerializer.Serialize($"call me at {value} please, ref {value}.");
        return context switch
        {
            0 => SomeRedaction.Decision($$"""{"v":{{quoted}},"amount":12.5}"""),
            1 => SomeRedaction.Decision($$"""{"note":{{text}},"amount":12.5}"""),
            2 => SomeRedaction.Decision($$"""{"a":{"b":[1,{"c":[{{quoted}},true]}]},"amount":12.5}"""),
            _ => SomeRedaction.Decision("""{"amount":12.5}""", metadata: $$"""{"endpoint":"/predict","client":{{quoted}}}"""),
        };
    }
}
