using System.Text;
using System.Text.Json;
using DecisionLedger.Decisions;

namespace DecisionLedger.Tests.Decisions;

/// <summary>
/// Text no decision may carry (invalid UTF-8, U+0000, unpaired surrogates; bidi controls and noncharacters in
/// identifiers) is refused where it enters, with the field named, by the parser and for decisions built in code.
/// </summary>
public sealed class HostileTextTests
{
    private static readonly DecisionParser Parser = DecisionParser.Default;

    // Splices raw bytes into the JSON at the one '§' of the template, so invalid UTF-8 can be placed exactly.
    private static byte[] Bytes(string template, params byte[] splice)
    {
        var at = template.IndexOf('§', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. splice, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
    }

    private static DecisionValidationException Rejected(byte[] json)
    {
        var exception = Assert.Throws<DecisionValidationException>(() => Parser.Parse(json));
        Assert.StartsWith(exception.Path + ": ", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', exception.Message);
        return exception;
    }

    [Fact]
    public void Parse_InvalidUtf8InInputMemberName_NamesTheMember()
    {
        // The reproduction: {"input":{"k\xff":1}} as the collector received it.
        var json = Bytes("""{"requestId":"k1","model":{"name":"m","version":"1"},"input":{"k§":1},"output":{}}""", 0xFF);

        var exception = Rejected(json);

        Assert.Equal("input['k\uFFFD']", exception.Path);
        Assert.Contains("member name is not valid UTF-8 (byte 0xFF at byte 1)", exception.Problem, StringComparison.Ordinal);
        Assert.Contains("UTF-8", exception.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"a":{"x§":1}},"output":{}}""", "input.a['x\uFFFD']")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{"§":1}}""", "output['\uFFFD']")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"metadata":{"m§":true}}""", "metadata['m\uFFFD']")]
    [InlineData("""{"model":{"name":"m","version":"1","parameters":{"p§":1}},"input":{},"output":{}}""", "model.parameters['p\uFFFD']")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"explanation":{"attributions":{"f§":0.1}}}""", "explanation.attributions['f\uFFFD']")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"x§":1}""", "['x\uFFFD']")]
    public void Parse_InvalidUtf8InAnyMemberName_NamesTheMember(string template, string path)
    {
        var exception = Rejected(Bytes(template, 0xC3));

        Assert.Equal(path, exception.Path);
        Assert.StartsWith("member name is not valid UTF-8", exception.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"s":"ab§"},"output":{}}""", "input.s")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"list":[1,"§"]},"output":{}}""", "input.list[1]")]
    [InlineData("""{"requestId":"k§1","model":{"name":"m","version":"1"},"input":{},"output":{}}""", "requestId")]
    [InlineData("""{"model":{"name":"m§","version":"1"},"input":{},"output":{}}""", "model.name")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"actor":{"tenant":"§"}}""", "actor.tenant")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"subject":{"id":"c§"}}""", "subject.id")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"explanation":{"method":"§"}}""", "explanation.method")]
    [InlineData("""{"model":{"name":"m","version":"1"},"timestamp":"2026-01-01T00:00:00Z§","input":{},"output":{}}""", "timestamp")]
    public void Parse_InvalidUtf8InAnyStringValue_NamesTheField(string template, string path)
    {
        // 0xED 0xA0 0x80 is a UTF-8-encoded surrogate (CESU-8), invalid in UTF-8 as any lone byte is.
        var exception = Rejected(Bytes(template, 0xED, 0xA0, 0x80));

        Assert.Equal(path, exception.Path);
        Assert.StartsWith("string is not valid UTF-8", exception.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"s":"a\u0000b"},"output":{}}""", "input.s")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"a\u0000":1},"output":{}}""", "input['a\\u0000']")]
    [InlineData("""{"requestId":"k\u0000","model":{"name":"m","version":"1"},"input":{},"output":{}}""", "requestId")]
    [InlineData("""{"model":{"name":"m","version":"1\u0000"},"input":{},"output":{}}""", "model.version")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"metadata":{"list":["\u0000"]}}""", "metadata.list[0]")]
    public void Parse_NulEscape_IsRejectedWithTheField(string json, string path)
    {
        var exception = Rejected(Encoding.UTF8.GetBytes(json));

        Assert.Equal(path, exception.Path);
        Assert.Contains("U+0000", exception.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{"\ud800":1},"output":{}}""", "input['\\\\ud800']")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{"s":"x\udc00"}}""", "output.s")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"\ud800":1}""", "['\\\\ud800']")]
    [InlineData("""{"model":{"name":"m","version":"1"},"input":{},"output":{},"actor":{"userId":"\ud83d"}}""", "actor.userId")]
    public void Parse_UnpairedSurrogateEscape_IsRejectedWithTheField(string json, string path)
    {
        var exception = Rejected(Encoding.UTF8.GetBytes(json));

        Assert.Equal(path, exception.Path);
        Assert.Contains("surrogate", exception.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PairedSurrogateEscapesAndNonAsciiText_AreAccepted()
    {
        var json = """{"requestId":"Zoë-\ud83d\ude00","model":{"name":"modèle","version":"1"},"input":{"naïve":"\ud83d\ude00 ü"},"output":{}}""";

        var decision = Parser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal("Zoë-😀", decision.RequestId);
        Assert.Equal("😀 ü", decision.Input.GetProperty("naïve").GetString());
    }

    [Theory]
    [InlineData("requestId", "\u202E")]
    [InlineData("requestId", "\u2066")]
    [InlineData("model.name", "\u202A")]
    [InlineData("subject.id", "\u2069")]
    [InlineData("actor.userId", "\u202D")]
    [InlineData("requestId", "\uFDD0")]
    [InlineData("model.name", "\uFFFE")]
    [InlineData("subject.id", "\uFFFF")]
    [InlineData("actor.userId", "\U0001FFFE")]
    [InlineData("requestId", "\U0010FFFF")]
    public void Parse_BidiControlOrNoncharacterInIdentifier_IsRejected(string path, string character)
    {
        var value = "id-" + character + "-1";
        var exception = Rejected(Encoding.UTF8.GetBytes(DecisionWith(path, JsonSerializer.Serialize(value))));

        Assert.Equal(path, exception.Path);
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"U+{char.ConvertToUtf32(character, 0):X4}"), exception.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u202E")]
    [InlineData("\uFDD0")]
    public void Parse_BidiControlOrNoncharacterOutsideIdentifiers_IsKept(string character)
    {
        // Free text (input, tenant, version) may quote anything valid; only identifiers must display as what they are.
        var json = DecisionWith("actor.tenant", JsonSerializer.Serialize("t" + character)).Replace("\"input\":{}", "\"input\":{\"text\":" + JsonSerializer.Serialize(character) + "}", StringComparison.Ordinal);

        var decision = Parser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal("t" + character, decision.Actor!.Tenant);
    }

    [Fact]
    public void DecisionText_CodeBuiltDecisionWithUnpairedSurrogate_IsRejected()
    {
        var decision = CodeBuilt() with { Subject = new DecisionSubject { Id = "c\uD800" } };

        var exception = Assert.Throws<DecisionValidationException>(() => DecisionText.Ensure(decision));

        Assert.Equal("subject.id", exception.Path);
        Assert.Contains("unpaired surrogate U+D800", exception.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("requestId")]
    [InlineData("model.name")]
    [InlineData("model.version")]
    [InlineData("actor.userId")]
    public void DecisionText_CodeBuiltDecisionWithNul_IsRejected(string path)
    {
        var decision = CodeBuilt();
        decision = path switch
        {
            "requestId" => decision with { RequestId = "k\0" },
            "model.name" => decision with { Model = decision.Model with { Name = "m\0" } },
            "model.version" => decision with { Model = decision.Model with { Version = "1\0" } },
            _ => decision with { Actor = new Actor { UserId = "u\0" } },
        };

        var exception = Assert.Throws<DecisionValidationException>(() => DecisionText.Ensure(decision));

        Assert.Equal(path, exception.Path);
    }

    [Fact]
    public void DecisionText_CodeBuiltInputOfInvalidUtf8_IsRejectedWithTheMember()
    {
        // JsonDocument does not validate UTF-8 either, so a caller's own parse can hand the recorder such bytes.
        var input = JsonElement.Parse(Bytes("""{"ok":1,"k§":1}""", 0xFF));
        var decision = CodeBuilt() with { Input = input };

        var exception = Assert.Throws<DecisionValidationException>(() => DecisionText.Ensure(decision));

        Assert.Equal("input['k\uFFFD']", exception.Path);
    }

    [Fact]
    public void DecisionText_CodeBuiltOutputWithNulEscape_IsRejected()
    {
        var decision = CodeBuilt() with { Output = JsonElement.Parse("""{"a":[{"b":"x\u0000"}]}""") };

        var exception = Assert.Throws<DecisionValidationException>(() => DecisionText.Ensure(decision));

        Assert.Equal("output.a[0].b", exception.Path);
    }

    [Fact]
    public void DecisionText_CodeBuiltBidiRequestId_IsRejected()
    {
        var exception = Assert.Throws<DecisionValidationException>(() => DecisionText.Ensure(CodeBuilt() with { RequestId = "abc\u202Edef" }));

        Assert.Equal("requestId", exception.Path);
    }

    [Fact]
    public void DecisionText_ValidCodeBuiltDecision_Passes()
    {
        DecisionText.Ensure(CodeBuilt() with { Input = JsonElement.Parse("""{"s":"\ud83d\ude00 naïve","n":[1,{"x":"y"}]}""") });
    }

    private static Decision CodeBuilt() => new()
    {
        RequestId = "req-1",
        Model = new ModelInfo { Name = "m", Version = "1" },
        Input = JsonElement.Parse("""{"amount":1}"""),
        Output = JsonElement.Parse("""{"score":0.5}"""),
    };

    private static string DecisionWith(string path, string jsonValue) => path switch
    {
        "requestId" => $$$"""{"requestId":{{{jsonValue}}},"model":{"name":"m","version":"1"},"input":{},"output":{}}""",
        "model.name" => $$$"""{"model":{"name":{{{jsonValue}}},"version":"1"},"input":{},"output":{}}""",
        "subject.id" => $$$"""{"model":{"name":"m","version":"1"},"input":{},"output":{},"subject":{"id":{{{jsonValue}}}}}""",
        "actor.userId" => $$$"""{"model":{"name":"m","version":"1"},"input":{},"output":{},"actor":{"userId":{{{jsonValue}}}}}""",
        "actor.tenant" => $$$"""{"model":{"name":"m","version":"1"},"input":{},"output":{},"actor":{"tenant":{{{jsonValue}}}}}""",
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };
}
