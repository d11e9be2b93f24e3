using System.Text.Json;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Tests.Redaction;

/// <summary>
/// Phone numbers written the way people write them in international form, across regions, are redacted by the
/// default policy (libphonenumber validates each candidate for the region its country code names), and
/// numbers that only look like phone numbers (order numbers, SKUs, amounts, versions, timestamps, ids) are not.
/// </summary>
public sealed class InternationalPhoneCorpusTests
{
    private static readonly PolicyRedactor s_redactor = SomeRedaction.Redactor();

    /// <summary>Valid numbers in international form: 16 regions, several spellings each.</summary>
    public static readonly string[] InternationalNumbers =
    [
        // United Kingdom
        "+44 20 7946 0958", "+44 (0)20 7946 0958", "+44 161 496 0000", "+44 7911 123456", "+44 117 496 0123", "+442079460958",
        // Germany
        "+49 30 9018200", "+49 30 901820-0", "+49 89 12345678", "+49 151 23456789", "+49 (0)40 41234567", "+49-30-9018200",
        // France
        "+33 1 42 68 53 00", "+33 (0)1 42 68 53 00", "+33 6 12 34 56 78", "+33 4 91 23 45 67", "+33.1.42.68.53.00",
        // Spain
        "+34 912 34 56 78", "+34 612 34 56 78",
        // Italy
        "+39 06 1234 5678", "+39 312 345 6789",
        // Netherlands
        "+31 20 123 4567", "+31 6 12345678",
        // Switzerland
        "+41 44 668 18 00", "+41 78 123 45 67",
        // Austria
        "+43 664 1234567", "+43 1 50100",
        // Japan
        "+81 3-1234-5678", "+81 90-1234-5678",
        // Australia
        "+61 2 9876 5432", "+61 412 345 678",
        // India
        "+91 98765 43210", "+91 22 2345 6789",
        // Brazil
        "+55 11 91234-5678", "+55 21 2345-6789",
        // Sweden
        "+46 8 123 456 78", "+46 70 123 45 67",
        // Poland
        "+48 22 123 45 67", "+48 512 345 678",
        // Ireland
        "+353 1 234 5678", "+353 85 123 4567",
        // United States, international form
        "+1 650-253-0000", "+1 (650) 253-0000", "+1 212 736 5000",
    ];

    /// <summary>Strings with digits and separators that are not phone numbers.</summary>
    public static readonly string[] LookAlikes =
    [
        // Order numbers and references
        "ORD-2024-000123", "Order #4471923", "PO 2026/118 442", "INV-0042-7789", "ref 44 20 7946",
        // SKUs and part numbers
        "SKU-88231-XL", "A1B2-3344-5566", "P/N 30-9018-200", "EAN 4006381333931", "ISBN 978-3-16-148410-0",
        // Amounts and deltas
        "EUR 12 345 678,00", "1,234,567.89", "+1234.56", "+12.5%", "+250 000 units", "+3.14159265", "+0.93", "+21.5 C", "-44 20 7946", "+15 % vs 2025",
        // Versions
        "v2.14.3", "10.0.13", "1.2.3.4567", "9.0.43-preview.2", "build 2026.12.06.1",
        // Timestamps and dates
        "2026-12-06T06:17:57Z", "2026-12-06 06:17:57.123", "20261206061757", "1733465877", "1733465877123", "06/12/2026 06:17",
        // Ids
        "0191f7d2-7a4e-7b3c-9d1e-2f3a4b5c6d7e", "req-000123", "customer-1776", "sha256:9f86d081884c7d65", "tx 0x44a1b2c3d4e5",
        // Coordinates, scores, sizes
        "+48.8566, +2.3522", "+44.5", "1920x1080", "+49 items in cart", "+33 points", "+7 (3 of 5)", "+44 20",
    ];

    [Fact]
    public void Corpus_CoversEnoughNumbersRegionsAndLookAlikes()
    {
        Assert.True(InternationalNumbers.Length >= 40, $"{InternationalNumbers.Length} numbers");
        Assert.True(InternationalNumbers.Select(n => n.Split(' ', '-', '.', '(')[0]).Distinct().Count() >= 8);
        Assert.True(LookAlikes.Length >= 40, $"{LookAlikes.Length} look-alikes");
    }

    [Fact]
    public void Redact_InternationalNumbers_AreRedactedAloneAndInText()
    {
        var misses = new List<string>();
        foreach (string number in InternationalNumbers)
        {
            foreach (string text in new[] { number, $"Call me on {number} after 6pm.", $"tel:{number}" })
            {
                RedactionResult result = s_redactor.Redact(SomeRedaction.Decision($$"""{"note":{{JsonSerializer.Serialize(text)}}}"""));
                string redacted = SomeRedaction.InputString(result.Redacted, "note") ?? "";
                if (!redacted.Contains("[PHONE]", StringComparison.Ordinal) || ContainsDigitsOf(redacted, number))
                {
                    misses.Add($"'{text}' -> '{redacted}'");
                }
            }
        }

        Assert.True(misses.Count == 0, $"{misses.Count} missed: {string.Join(" | ", misses)}");
    }

    [Fact]
    public void Redact_LookAlikes_AreLeftAlone()
    {
        var falsePositives = new List<string>();
        foreach (string value in LookAlikes)
        {
            foreach (string text in new[] { value, $"see {value} for details" })
            {
                Decision decision = SomeRedaction.Decision($$"""{"note":{{JsonSerializer.Serialize(text)}}}""", metadata: $$"""{"ref":{{JsonSerializer.Serialize(text)}}}""");
                RedactionResult result = s_redactor.Redact(decision);
                if (!ReferenceEquals(decision, result.Redacted) || result.Applied.Count != 0)
                {
                    falsePositives.Add($"'{text}' ({string.Join(",", result.Applied.Select(a => a.Rule))})");
                }
            }
        }

        Assert.True(falsePositives.Count == 0, $"{falsePositives.Count} false positives: {string.Join(" | ", falsePositives)}");
    }

    [Theory]
    [InlineData("(555) 123-4567")]
    [InlineData("555-123-4567")]
    [InlineData("+1 555 123 4567")]
    [InlineData("+4915123456789")]
    public void Redact_NorthAmericanAndE164Forms_StillCaught(string number)
    {
        RedactionResult result = s_redactor.Redact(SomeRedaction.Decision($$"""{"v":{{JsonSerializer.Serialize(number)}}}"""));

        Assert.Equal("[PHONE]", SomeRedaction.InputString(result.Redacted));
    }

    [Fact]
    public void Redact_HashOperator_JoinsOneInternationalNumberWrittenTwoWays()
    {
        PolicyRedactor redactor = SomeRedaction.Redactor("""{"default":{"detectors":"none","rules":[{"detect":"phone","operator":"hash"}]}}""");

        string spaced = SomeRedaction.InputString(redactor.Redact(SomeRedaction.Decision("""{"v":"+44 20 7946 0958"}""")).Redacted)!;
        string dashed = SomeRedaction.InputString(redactor.Redact(SomeRedaction.Decision("""{"v":"+44-20-7946-0958"}""")).Redacted)!;

        Assert.StartsWith("hmac:", spaced, StringComparison.Ordinal);
        Assert.Equal(spaced, dashed);
    }

    // True when the redacted text still holds the number's last six digits in a row (separators ignored).
    private static bool ContainsDigitsOf(string redacted, string number)
    {
        string digits = new([.. number.Where(char.IsAsciiDigit)]);
        string kept = new([.. redacted.Where(char.IsAsciiDigit)]);
        return kept.Contains(digits[^6..], StringComparison.Ordinal);
    }
}
