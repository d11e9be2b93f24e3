using System.Text;
using System.Text.Json.Nodes;

namespace DecisionLedger.Tests;

/// <summary>Realistic test data. Extend freely; keep every value plausible for a fraud model.</summary>
public static class Some
{
    /// <summary>The full DESIGN.md example decision, as JSON text.</summary>
    public const string DesignExampleJson = """
        {
          "requestId": "0193a5c2-7d4e-7b1a-9c3f-2e8d4b6a1f00",
          "timestamp": "2026-11-23T12:00:00.123456Z",
          "model": { "name": "fraud_detector", "version": "3.2.1",
                     "pipelineVersion": "prep-7", "artifactDigest": "sha256:9f86d081884c7d65", "parameters": { "threshold": 0.8 } },
          "input":  { "amount": 120.5, "merchant": "ACME Books", "country": "DE", "items": [ { "sku": "B-17", "qty": 2 } ] },
          "output": { "score": 0.93, "label": "fraud" },
          "explanation": { "method": "feature-contribution", "baseValue": 0.1,
                           "attributions": { "amount": 0.42, "merchant": -0.05 } },
          "actor":   { "userId": "analyst_jane", "tenant": "emea" },
          "subject": { "id": "customer-1842" },
          "latencyMs": 23.5,
          "metadata": { "endpoint": "/predict", "ip": "10.0.0.7", "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }
        }
        """;

    /// <summary>The smallest valid decision: model name and version, input, output.</summary>
    public const string MinimalDecisionJson = """
        {"model":{"name":"fraud_detector","version":"3.2.1"},"input":{"amount":120.5},"output":{"score":0.93}}
        """;

    /// <summary>The full example as a mutable node, for tests that change one field.</summary>
    public static JsonObject DecisionNode() => JsonNode.Parse(DesignExampleJson)!.AsObject();

    /// <summary>The full example after <paramref name="edit"/>, as UTF-8 bytes.</summary>
    public static byte[] Decision(Action<JsonObject>? edit = null)
    {
        var node = DecisionNode();
        edit?.Invoke(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>UTF-8 bytes of <paramref name="json"/>.</summary>
    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
