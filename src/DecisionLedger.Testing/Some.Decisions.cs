using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DecisionLedger.Decisions;

namespace DecisionLedger.Testing;

/// <summary>
/// Realistic, deterministic test data: decisions of a fraud model as JSON, bytes or parsed
/// <see cref="Decision"/>s, and the rows a store holds (<see cref="Entry"/>, <see cref="Batch"/>, …).
/// Every value is plausible for a fraud model, and the same arguments always give the same data.
/// </summary>
public static partial class Some
{
    /// <summary>The email <see cref="DecisionJson"/> puts at <c>input.contact</c> when asked: a value redaction must remove.</summary>
    public const string Email = "jane.doe@example.com";

    /// <summary>The documented example decision with every section filled in, as JSON text.</summary>
    public const string ExampleDecisionJson = """
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

    /// <summary>A decision the parser refuses: its model has no version.</summary>
    public const string InvalidDecisionJson = "{\"model\":{\"name\":\"fraud_detector\"},\"input\":{\"amount\":1},\"output\":{\"label\":\"legit\"}}";

    /// <summary>
    /// The <paramref name="i"/>-th decision of a fraud model as compact JSON: input amount <c>i.5</c> from
    /// <c>DE</c>, output <c>legit</c> at 0.12, analyst <c>analyst_jane</c> of tenant <c>emea</c>, subject
    /// <c>customer-</c><paramref name="i"/> (four digits), and a feature-contribution explanation.
    /// </summary>
    /// <param name="i">Makes amount and subject differ between decisions; 0 or more.</param>
    /// <param name="requestId">The request id to send; default none, so the recorder assigns one.</param>
    /// <param name="contact">A value for <c>input.contact</c> (for example <see cref="Email"/>); default none.</param>
    /// <returns>One line of JSON, as a client posts it.</returns>
    public static string DecisionJson(int i = 0, string? requestId = null, string? contact = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        string n = i.ToString(CultureInfo.InvariantCulture);
        string subject = i.ToString("D4", CultureInfo.InvariantCulture);
        return "{" + (requestId is null ? string.Empty : "\"requestId\":\"" + requestId + "\",")
            + "\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\"},"
            + "\"input\":{\"amount\":" + n + ".5,\"country\":\"DE\"" + (contact is null ? string.Empty : ",\"contact\":\"" + contact + "\"") + "},"
            + "\"output\":{\"label\":\"legit\",\"score\":0.12},"
            + "\"actor\":{\"userId\":\"analyst_jane\",\"tenant\":\"emea\"},"
            + "\"subject\":{\"id\":\"customer-" + subject + "\"},"
            + "\"explanation\":{\"method\":\"feature-contribution\",\"baseValue\":0.1,\"attributions\":{\"amount\":0.02}}}";
    }

    /// <summary>The <paramref name="i"/>-th decision of <see cref="DecisionJson"/>, parsed, ready for <c>IDecisionRecorder.RecordAsync</c>.</summary>
    /// <param name="i">Makes amount and subject differ between decisions; 0 or more.</param>
    /// <param name="requestId">The request id; default none, so the recorder assigns one.</param>
    /// <param name="contact">A value for <c>input.contact</c>; default none.</param>
    /// <returns>A valid decision.</returns>
    public static Decision Decision(int i = 0, string? requestId = null, string? contact = null) =>
        DecisionParser.Default.Parse(Utf8(DecisionJson(i, requestId, contact)));

    /// <summary>Decisions 0 … <paramref name="count"/> − 1 of <see cref="DecisionJson"/> as NDJSON, one per line, each line ended.</summary>
    /// <param name="count">How many lines; 0 or more.</param>
    /// <returns>Text for <c>dledger record</c> or <c>POST /v1/decisions</c> with <c>application/x-ndjson</c>.</returns>
    public static string DecisionLines(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count == 0 ? string.Empty : string.Join('\n', Enumerable.Range(0, count).Select(i => DecisionJson(i))) + "\n";
    }

    /// <summary>The <see cref="ExampleDecisionJson"/> as a mutable node, for a test that changes one field.</summary>
    /// <returns>A new node each call.</returns>
    public static JsonObject ExampleDecisionNode() => JsonNode.Parse(ExampleDecisionJson)!.AsObject();

    /// <summary>The <see cref="ExampleDecisionJson"/> after <paramref name="edit"/>, as compact UTF-8 bytes.</summary>
    /// <param name="edit">Changes the node before it is written; default none.</param>
    /// <returns>UTF-8 JSON, as <c>DecisionParser</c> and the HTTP API take it.</returns>
    public static byte[] ExampleDecisionUtf8(Action<JsonObject>? edit = null)
    {
        JsonObject node = ExampleDecisionNode();
        edit?.Invoke(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>The UTF-8 bytes of <paramref name="json"/>.</summary>
    /// <param name="json">JSON text.</param>
    /// <returns>The bytes, without a byte-order mark.</returns>
    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
