using System.Text.Json;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Tests.Redaction;

/// <summary>Test data for redaction: decisions around a given input, keys, redactors.</summary>
public static class SomeRedaction
{
    /// <summary>A fixed 32-byte redaction key.</summary>
    public static byte[] Key { get; } = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    /// <summary>A different fixed 32-byte redaction key.</summary>
    public static byte[] OtherKey { get; } = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    /// <summary>A decision of <paramref name="model"/> with the given sections (JSON objects).</summary>
    public static Decision Decision(string input, string? metadata = null, string output = """{"score":0.5,"label":"legit"}""", string model = "fraud_detector", string? explanation = null)
    {
        string json = $$"""
            {"model":{"name":"{{model}}","version":"3.2.1"},"input":{{input}},"output":{{output}}{{(metadata is null ? "" : ",\"metadata\":" + metadata)}}{{(explanation is null ? "" : ",\"explanation\":" + explanation)}}}
            """;
        return DecisionParser.Default.Parse(Some.Utf8(json));
    }

    /// <summary>A redactor for <paramref name="policyJson"/>, or privacy by default.</summary>
    public static PolicyRedactor Redactor(string? policyJson = null, byte[]? key = null) =>
        new(policyJson is null ? RedactionPolicy.PrivacyByDefault : RedactionPolicyLoader.Parse(policyJson), key ?? Key);

    /// <summary>The compact JSON text of a section.</summary>
    public static string Text(JsonElement element) => JsonSerializer.Serialize(element);

    /// <summary>The string at <c>input.v</c>.</summary>
    public static string? InputString(Decision decision, string name = "v") => decision.Input.GetProperty(name).GetString();
}
