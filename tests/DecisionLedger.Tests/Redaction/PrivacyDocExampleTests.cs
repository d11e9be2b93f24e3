using System.Text.Encodings.Web;
using System.Text.Json;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Tests.Redaction;

/// <summary>
/// Keeps the worked example in docs/privacy.md honest: the policy and decision below are the doc's, the
/// redacted sections and applied list are produced here and must appear in the doc verbatim.
/// </summary>
public sealed class PrivacyDocExampleTests
{
    public const string Policy = """
        {
          "default": {
            "detectors": "all",
            "rules": [
              { "name": "customer-email", "select": "$.input.customer.email", "operator": "hash" },
              { "name": "ssn-anywhere", "select": "$..ssn", "operator": "drop" },
              { "name": "card-last4", "detect": "card", "operator": "mask", "keep": 4 },
              { "name": "employee-id", "detect": "regex", "pattern": "EMP-[0-9]{6}", "tag": "[EMPLOYEE]" }
            ]
          },
          "models": {
            "churn_model": { "detectors": ["email"], "rules": [] }
          }
        }
        """;

    public const string DecisionJson = """
        {
          "model": { "name": "fraud_detector", "version": "3.2.1" },
          "input": {
            "amount": 120.5,
            "customer": { "email": "Jane.Doe@example.com", "ssn": "123-45-6789", "phone": "+4915123456789" },
            "note": "card 4111 1111 1111 1111 flagged by EMP-004211, call (555) 123-4567",
            "items": [ { "sku": "B-17", "qty": 2 } ]
          },
          "output": { "score": 0.93, "label": "fraud" },
          "explanation": { "method": "feature-contribution", "baseValue": 0.1, "attributions": { "amount": 0.42 } },
          "metadata": { "endpoint": "/predict", "ip": "10.0.0.7" }
        }
        """;

    private static readonly JsonSerializerOptions s_pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The blocks the doc must show: redacted input, redacted metadata, applied list.</summary>
    public static string[] Produce()
    {
        // A fixed key so the hmac value in the doc is reproducible; real ledgers use a random 32-byte key.
        byte[] key = new byte[32];
        RedactionResult result = new PolicyRedactor(RedactionPolicyLoader.Parse(Policy), key).Redact(DecisionParser.Default.Parse(Some.Utf8(DecisionJson)));
        return
        [
            JsonSerializer.Serialize(result.Redacted.Input, s_pretty),
            JsonSerializer.Serialize(result.Redacted.Metadata, s_pretty),
            string.Join("\n", result.Applied.Select(a => $"{a.Path,-24} {a.Rule,-18} {a.Operator}")),
        ];
    }

    [Fact]
    public async Task PrivacyDoc_ShowsWhatTheCodeProduces()
    {
        string doc = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "privacy.md"));

        string[] missing = [.. Produce().Where(block => !doc.Contains(block, StringComparison.Ordinal))];
        Assert.True(missing.Length == 0, "docs/privacy.md no longer shows what the code produces; paste:\n\n" + string.Join("\n\n", missing));
        Assert.True(Normalize(doc).Contains(Normalize(Policy), StringComparison.Ordinal), "docs/privacy.md must show the example policy verbatim");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DecisionLedger.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No DecisionLedger.slnx above {AppContext.BaseDirectory}.");
    }
}
