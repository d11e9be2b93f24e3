using System.Text.Json;
using System.Text.Json.Nodes;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Decisions;

public sealed class DecisionParserTests
{
    private static readonly DecisionParser Parser = DecisionParser.Default;

    [Fact]
    public void Parse_MinimalDecision_ReturnsRequiredPartsOnly()
    {
        var decision = Parser.Parse(Some.Utf8(Some.MinimalDecisionJson));

        Assert.Equal("fraud_detector", decision.Model.Name);
        Assert.Equal("3.2.1", decision.Model.Version);
        Assert.Equal(120.5, decision.Input.GetProperty("amount").GetDouble());
        Assert.Equal(0.93, decision.Output.GetProperty("score").GetDouble());
        Assert.Null(decision.RequestId);
        Assert.Null(decision.Timestamp);
        Assert.Null(decision.Explanation);
        Assert.Null(decision.Actor);
        Assert.Null(decision.Subject);
        Assert.Null(decision.LatencyMs);
        Assert.Null(decision.Metadata);
        Assert.Null(decision.Model.Parameters);
    }

    [Fact]
    public void Parse_DesignExample_ReturnsEveryPart()
    {
        var decision = Parser.Parse(Some.Utf8(Some.ExampleDecisionJson));

        Assert.Equal("0193a5c2-7d4e-7b1a-9c3f-2e8d4b6a1f00", decision.RequestId);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), decision.Timestamp);
        Assert.Equal("prep-7", decision.Model.PipelineVersion);
        Assert.Equal("sha256:9f86d081884c7d65", decision.Model.ArtifactDigest);
        Assert.Equal(0.8, decision.Model.Parameters!.Value.GetProperty("threshold").GetDouble());
        Assert.Equal("feature-contribution", decision.Explanation!.Method);
        Assert.Equal(0.1, decision.Explanation.BaseValue);
        Assert.Equal(0.42, decision.Explanation.Attributions!["amount"]);
        Assert.Equal(-0.05, decision.Explanation.Attributions["merchant"]);
        Assert.Equal("analyst_jane", decision.Actor!.UserId);
        Assert.Equal("emea", decision.Actor.Tenant);
        Assert.Equal("customer-1842", decision.Subject!.Id);
        Assert.Equal(23.5, decision.LatencyMs);
        Assert.Equal("/predict", decision.Metadata!.Value.GetProperty("endpoint").GetString());
    }

    [Fact]
    public void Parse_JsonElementParts_OutliveEveryBufferTheyCameFrom()
    {
        var bytes = Some.Utf8(Some.ExampleDecisionJson);
        var decision = Parser.Parse(bytes);
        Array.Clear(bytes);
        GC.Collect();

        Assert.Equal("ACME Books", decision.Input.GetProperty("merchant").GetString());
    }

    [Fact]
    public void Parse_JsonElementFromDisposedDocument_IsIndependentOfIt()
    {
        Decision decision;
        using (var document = JsonDocument.Parse(Some.ExampleDecisionJson))
        {
            decision = Parser.Parse(document.RootElement);
        }

        Assert.Equal("fraud", decision.Output.GetProperty("label").GetString());
    }

    [Fact]
    public void Parse_JsonElementWithDuplicate_IsRejectedLikeBytes()
    {
        using var document = JsonDocument.Parse("""{"model":{"name":"a","version":"1"},"input":{"x":1,"x":2},"output":{}}""");

        var exception = Assert.Throws<DecisionValidationException>(() => Parser.Parse(document.RootElement));

        Assert.Equal("input.x", exception.Path);
    }

    [Theory]
    [InlineData("2026-11-23T14:30:00+02:30", "2026-11-23T12:00:00.000000Z")]
    [InlineData("2026-11-23T01:00:00-01:00", "2026-11-23T02:00:00.000000Z")]
    [InlineData("2026-11-23t12:00:00z", "2026-11-23T12:00:00.000000Z")]
    [InlineData("2026-11-23T12:00:00.5Z", "2026-11-23T12:00:00.500000Z")]
    [InlineData("2026-11-23T12:00:00.123456789Z", "2026-11-23T12:00:00.123456Z")]
    [InlineData("2026-11-23T12:00:00.9999999Z", "2026-11-23T12:00:00.999999Z")]
    [InlineData("2024-02-29T23:59:59-00:00", "2024-02-29T23:59:59.000000Z")]
    public void Parse_Timestamp_ConvertsToUtcAndTruncatesToMicroseconds(string sent, string expectedUtc)
    {
        var decision = Parser.Parse(Some.ExampleDecisionUtf8(d => d["timestamp"] = sent));

        Assert.Equal(TimeSpan.Zero, decision.Timestamp!.Value.Offset);
        Assert.Equal(expectedUtc, decision.Timestamp.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture)[..26] + "Z");
        Assert.Equal(0, decision.Timestamp.Value.Ticks % 10);
    }

    [Fact]
    public void Parse_NullOptionalFields_AreAbsent()
    {
        var json = """
            {"requestId":null,"timestamp":null,"model":{"name":"m","version":"1","pipelineVersion":null,"artifactDigest":null,"parameters":null},
             "input":{"a":null},"output":{},"explanation":{"method":null,"baseValue":null,"attributions":null},
             "actor":null,"subject":null,"latencyMs":null,"metadata":null}
            """;

        var decision = Parser.Parse(Some.Utf8(json));

        Assert.Null(decision.RequestId);
        Assert.Null(decision.Timestamp);
        Assert.Null(decision.Model.Parameters);
        Assert.Null(decision.Explanation!.Attributions);
        Assert.Null(decision.Actor);
        Assert.Null(decision.Metadata);
        Assert.Equal(JsonValueKind.Null, decision.Input.GetProperty("a").ValueKind);
    }

    [Fact]
    public void Parse_ExactlyMaxDepth_IsAccepted()
    {
        var parser = new DecisionParser(new DecisionLimits { MaxDepth = 4 });

        var decision = parser.Parse(Some.Utf8("""{"model":{"name":"m","version":"1"},"input":{"a":{"b":[1]}},"output":{}}"""));

        Assert.Equal(1, decision.Input.GetProperty("a").GetProperty("b")[0].GetInt32());
    }

    // ---- failures: each names the path and carries the fix in its message ----

    [Theory]
    [InlineData("model", null, "model", "\"name\"")]
    [InlineData("model", "null", "model", "\"version\"")]
    [InlineData("model.name", null, "model.name", "non-empty string")]
    [InlineData("model.name", "null", "model.name", "non-empty string")]
    [InlineData("model.version", null, "model.version", "\"3.2.1\"")]
    [InlineData("input", null, "input", "as an object")]
    [InlineData("input", "null", "input", "as an object")]
    [InlineData("output", null, "output", "as an object")]
    public void Parse_MissingRequiredField_NamesItAsRequired(string field, string? value, string path, string fix)
    {
        var exception = AssertRejected(Edit(field, value), path, fix);

        Assert.Equal("required", exception.Problem);
    }

    [Theory]
    [InlineData("requestId", "42", "requestId", "must be a string, got number")]
    [InlineData("timestamp", "1732363200", "timestamp", "must be a string, got number")]
    [InlineData("model", "[]", "model", "must be a JSON object, got array")]
    [InlineData("model.name", "7", "model.name", "must be a string, got number")]
    [InlineData("model.version", "true", "model.version", "must be a string, got boolean")]
    [InlineData("model.parameters", "\"fast\"", "model.parameters", "must be a JSON object, got string")]
    [InlineData("input", "[1,2]", "input", "must be a JSON object, got array")]
    [InlineData("output", "\"fraud\"", "output", "must be a JSON object, got string")]
    [InlineData("explanation", "\"shap\"", "explanation", "must be a JSON object, got string")]
    [InlineData("explanation.baseValue", "\"0.1\"", "explanation.baseValue", "must be a number, got string")]
    [InlineData("explanation.attributions", "[0.4]", "explanation.attributions", "must be a JSON object, got array")]
    [InlineData("explanation.attributions.amount", "\"high\"", "explanation.attributions.amount", "must be a number, got string")]
    [InlineData("explanation.attributions.amount", "null", "explanation.attributions.amount", "must be a number, got null")]
    [InlineData("actor", "\"jane\"", "actor", "must be a JSON object, got string")]
    [InlineData("actor.userId", "17", "actor.userId", "must be a string, got number")]
    [InlineData("subject", "[]", "subject", "must be a JSON object, got array")]
    [InlineData("subject.id", "1842", "subject.id", "must be a string, got number")]
    [InlineData("latencyMs", "\"23ms\"", "latencyMs", "must be a number, got string")]
    [InlineData("metadata", "[]", "metadata", "must be a JSON object, got array")]
    public void Parse_WrongType_NamesFieldAndKind(string field, string value, string path, string problem)
    {
        var exception = AssertRejected(Edit(field, value), path, "send");

        Assert.Equal(problem, exception.Problem);
    }

    [Theory]
    [InlineData("score", "score")]
    [InlineData("model.owner", "model.owner")]
    [InlineData("explanation.shap", "explanation.shap")]
    [InlineData("actor.role", "actor.role")]
    [InlineData("subject.email", "subject.email")]
    public void Parse_UnknownField_IsRejectedWithAllowedList(string field, string path)
    {
        var exception = AssertRejected(Edit(field, "1"), path, "remove it (allowed: ");

        Assert.Equal("unknown field", exception.Problem);
    }

    [Fact]
    public void Parse_UnknownTopLevelField_ListsTopLevelFields()
    {
        var exception = AssertRejected(Edit("prediction", "{}"), "prediction", "remove it (allowed: requestId, timestamp, model, input, output, explanation, actor, subject, latencyMs, metadata)");

        Assert.Equal("prediction: unknown field; remove it (allowed: requestId, timestamp, model, input, output, explanation, actor, subject, latencyMs, metadata)", exception.Message);
    }

    [Fact]
    public void Parse_UnknownFieldWithOddName_QuotesItInThePath()
    {
        AssertRejected(Edit("model", """{"name":"m","version":"1","a.b":1}"""), "model['a.b']", "remove it");
    }

    [Fact]
    public void Parse_PayloadOverLimit_IsRejectedBeforeParsing()
    {
        var payload = new byte[2_000_000]; // not even JSON: size is checked first

        var exception = AssertRejected(payload, "$", "raise DecisionLimits.MaxPayloadBytes");

        Assert.Equal("$: payload is 2,000,000 bytes, over the 1,048,576-byte limit; send a smaller decision or raise DecisionLimits.MaxPayloadBytes", exception.Message);
    }

    [Fact]
    public void Parse_NestingOverDepth_IsRejectedAtTheValueThatCrossesTheLimit()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var json = $$$"""{"model":{"name":"m","version":"1"},"input":{"x":{{{deep}}}},"output":{}}""";

        var exception = AssertRejected(Some.Utf8(json), "input.x[0][0][0][0]…[0][0][0]", "raise DecisionLimits.MaxDepth");

        Assert.Equal("nested deeper than 32 levels: this value opens level 33", exception.Problem);
    }

    [Theory]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},}""", "line 1")]
    [InlineData("{\n\"model\": {\"name\": \"m\" \"version\": \"1\"}}", "line 2")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{}} trailing""", "byte 61")]
    [InlineData("", "malformed JSON")]
    [InlineData("""{"input": {} // comment""", "malformed JSON")]
    public void Parse_MalformedJson_NamesPosition(string json, string where)
    {
        var exception = AssertRejected(Some.Utf8(json), "$", "well-formed JSON");

        Assert.StartsWith("malformed JSON", exception.Problem, StringComparison.Ordinal);
        Assert.Contains(where, exception.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"input":{}}""", "input")]
    [InlineData("""{"model":{"name":"m","version":"1","name":"n"},"input":{},"output":{}}""", "model.name")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"items":[{"a":1},{"b":1,"b":2}]},"output":{}}""", "input.items[1].b")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"a":1,"\u0061":2},"output":{}}""", "input.a")]
    public void Parse_DuplicateProperty_NamesItsPath(string json, string path)
    {
        var exception = AssertRejected(Some.Utf8(json), path, "send each property once");

        Assert.Equal("duplicate property", exception.Problem);
    }

    [Theory]
    [InlineData("latencyMs", "1e999", "latencyMs")]
    [InlineData("explanation.baseValue", "-1e400", "explanation.baseValue")]
    [InlineData("explanation.attributions.amount", "1e999", "explanation.attributions.amount")]
    [InlineData("input.amount", "1e999", "input.amount")]
    [InlineData("metadata.weights", "[1, 2, 1E999]", "metadata.weights[2]")]
    [InlineData("model.parameters", """{"deep":{"x":-1e309}}""", "model.parameters.deep.x")]
    public void Parse_NumberOverflowingToInfinity_IsRejected(string field, string value, string path)
    {
        var exception = AssertRejected(Edit(field, value), path, "finite");

        Assert.Contains("must be finite", exception.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.name", "\"\"")]
    [InlineData("model.name", "\"   \"")]
    [InlineData("model.version", "\"\"")]
    [InlineData("requestId", "\"\"")]
    [InlineData("subject.id", "\"\"")]
    public void Parse_EmptyString_IsRejected(string field, string value)
    {
        var exception = AssertRejected(Edit(field, value), field, "non-empty string");

        Assert.Equal("must not be empty or blank", exception.Problem);
    }

    [Theory]
    [InlineData("2026-11-23T12:00:00", "no UTC offset")]
    [InlineData("2026-11-23T12:00:00.123", "no UTC offset")]
    [InlineData("yesterday", "not an RFC 3339 date-time")]
    [InlineData("2026-11-23", "not an RFC 3339 date-time")]
    [InlineData("2026-11-23 12:00:00Z", "not an RFC 3339 date-time")]
    [InlineData("2026-11-23T12:00:00+0200", "not an RFC 3339 date-time (bad fraction or offset)")]
    [InlineData("2026-11-23T12:00:00.Z", "not an RFC 3339 date-time")]
    [InlineData("2026-13-01T12:00:00Z", "date or time out of range")]
    [InlineData("2025-02-29T12:00:00Z", "date or time out of range")]
    [InlineData("2026-12-31T23:59:60Z", "date or time out of range")]
    [InlineData("2026-11-23T12:00:00+24:00", "offset out of range")]
    [InlineData("0001-01-01T00:00:00+01:00", "date or time out of range")]
    public void Parse_BadTimestamp_SaysWhatIsWrong(string value, string problem)
    {
        var exception = AssertRejected(Some.ExampleDecisionUtf8(d => d["timestamp"] = value), "timestamp", "2026-11-23T12:00:00.123456Z");

        Assert.Equal(problem, exception.Problem);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-0.001")]
    public void Parse_NegativeLatency_IsRejected(string value)
    {
        var exception = AssertRejected(Edit("latencyMs", value), "latencyMs", "number ≥ 0");

        Assert.StartsWith("must not be negative", exception.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RequestIdTooLong_IsRejected()
    {
        var exception = AssertRejected(Some.ExampleDecisionUtf8(d => d["requestId"] = new string('a', 129)), "requestId", "omit it to have a UUIDv7 assigned");

        Assert.Equal("is 129 characters, over the 128-character limit", exception.Problem);
    }

    [Fact]
    public void Parse_RequestIdWithControlCharacter_IsRejected()
    {
        var exception = AssertRejected(Some.ExampleDecisionUtf8(d => d["requestId"] = "abc\nINFO forged"), "requestId", "printable characters only");

        Assert.Equal("contains the control character U+000A", exception.Problem);
    }

    [Fact]
    public void Parse_TooManyAttributions_IsRejected()
    {
        var parser = new DecisionParser(new DecisionLimits { MaxAttributions = 2 });
        var bytes = Some.ExampleDecisionUtf8(d => d["explanation"]!["attributions"]!["country"] = 0.01);

        var exception = Assert.Throws<DecisionValidationException>(() => parser.Parse(bytes));

        Assert.Equal("explanation.attributions", exception.Path);
        Assert.Contains("raise DecisionLimits.MaxAttributions", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StringOverLimitInFreeFormObject_NamesItsPath()
    {
        var parser = new DecisionParser(new DecisionLimits { MaxStringLength = 100 });
        var bytes = Some.ExampleDecisionUtf8(d => d["input"]!["items"]![0]!["note"] = new string('x', 101));

        var exception = Assert.Throws<DecisionValidationException>(() => parser.Parse(bytes));

        Assert.Equal("input.items[0].note", exception.Path);
        Assert.Equal("string is 101 characters, over the 100-character limit", exception.Problem);
        Assert.Contains("raise DecisionLimits.MaxStringLength", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PropertyNameOverLimit_NamesItsParent()
    {
        var parser = new DecisionParser(new DecisionLimits { MaxStringLength = 100 });
        var bytes = Some.ExampleDecisionUtf8(d => d["metadata"]![new string('k', 101)] = 1);

        var exception = Assert.Throws<DecisionValidationException>(() => parser.Parse(bytes));

        Assert.Equal("metadata", exception.Path);
        Assert.StartsWith("property name is 101 characters", exception.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StringAtLimitWithEscapes_IsAccepted()
    {
        // 100 escaped characters are 600 raw bytes but only 100 characters.
        var parser = new DecisionParser(new DecisionLimits { MaxStringLength = 100 });
        var escaped = string.Concat(Enumerable.Repeat("\\u0041", 100));
        var json = $$$"""{"model":{"name":"m","version":"1"},"input":{"s":"{{{escaped}}}"},"output":{}}""";

        var decision = parser.Parse(Some.Utf8(json));

        Assert.Equal(new string('A', 100), decision.Input.GetProperty("s").GetString());
    }

    [Fact]
    public void Parse_LoneSurrogateEscape_IsRejected()
    {
        var json = """{"model":{"name":"m","version":"1"},"input":{"s":"\ud800"},"output":{}}""";

        AssertRejected(Some.Utf8(json), "input.s", "valid Unicode");
    }

    [Theory]
    [InlineData("[]", "must be a JSON object, got array")]
    [InlineData("\"decision\"", "must be a JSON object, got string")]
    [InlineData("null", "must be a JSON object, got null")]
    public void Parse_DocumentNotAnObject_IsRejectedAtRoot(string json, string problem)
    {
        var exception = AssertRejected(Some.Utf8(json), "$", "one decision object");

        Assert.Equal(problem, exception.Problem);
    }

    [Fact]
    public void Parse_UndefinedElement_Throws()
    {
        Assert.Throws<ArgumentException>(() => Parser.Parse(default(JsonElement)));
    }

    private static DecisionValidationException AssertRejected(byte[] utf8Json, string path, string fixFragment)
    {
        var exception = Assert.Throws<DecisionValidationException>(() => Parser.Parse(utf8Json));
        Assert.Equal(path, exception.Path);
        Assert.Contains(fixFragment, exception.Message, StringComparison.Ordinal);
        Assert.EndsWith("; " + exception.Fix, exception.Message, StringComparison.Ordinal);
        Assert.StartsWith(path + ": ", exception.Message, StringComparison.Ordinal);
        return exception;
    }

    // Sets (raw JSON) or, with null, removes the field at a dotted path of the full example.
    private static byte[] Edit(string dottedPath, string? rawJson) => Some.ExampleDecisionUtf8(root =>
    {
        var names = dottedPath.Split('.');
        JsonNode parent = root;
        foreach (var name in names[..^1])
        {
            parent = parent[name] ??= new JsonObject();
        }

        if (rawJson is null)
        {
            parent.AsObject().Remove(names[^1]);
        }
        else
        {
            parent[names[^1]] = JsonNode.Parse(rawJson);
        }
    });
}
