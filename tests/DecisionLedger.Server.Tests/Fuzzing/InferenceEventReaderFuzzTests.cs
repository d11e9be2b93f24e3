using System.Text;
using CsCheck;
using DecisionLedger.Canonicalization;
using DecisionLedger.Decisions;
using DecisionLedger.Server.CloudEvents;
using DecisionLedger.Tests.Fuzzing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace DecisionLedger.Server.Tests.Fuzzing;

/// <summary>
/// The KServe CloudEvents reader under mutated events, structured and binary: it refuses only with
/// <see cref="CloudEventFormatException"/> (a 400 naming the attribute), and an event it accepts can be
/// recorded: the decision built from it parses, or fails only with <see cref="DecisionValidationException"/>,
/// and its parts canonicalize. Anything else would surface later, when the pair is recorded, as a 500.
/// </summary>
public sealed class InferenceEventReaderFuzzTests
{
    private static readonly InferenceDecisionBuilder s_builder = new(DecisionParser.Default, "unversioned");

    private static readonly byte[][] s_structured =
    [
        Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"inf-1","source":"{{KServe.Source}}","type":"{{KServe.RequestType}}","time":"2026-11-23T12:00:00.123456789Z","inferenceservicename":"{{KServe.Service}}","namespace":"default","component":"predictor","datacontenttype":"application/json","data":{{KServe.V1Request}}}"""),
        Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"inf-1","source":"{{KServe.Source}}","type":"{{KServe.ResponseType}}","inferenceservicename":"{{KServe.Service}}","metadata":"{\"X-Request-Id\":[\"abc\"]}","annotations":"{\"a\":\"b\"}","data":{{KServe.V2Response}}}"""),
        Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"inf-2","source":"s","type":"{{KServe.RequestType}}","inferenceservicename":"m","datacontenttype":"text/plain","data_base64":"aGVsbG8="}"""),
        Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"inf-3","source":"s","type":"{{KServe.RequestType}}","inferenceservicename":"m","data":"plain text \u00e9"}"""),
    ];

    private static readonly string[] s_headerValues =
    [
        "1.0", "inf-1", KServe.Source, KServe.RequestType, KServe.ResponseType, "2026-11-23T12:00:00.123456789Z", KServe.Service,
        "default", "predictor", "", "{%22X-Request-Id%22:[%22abc-123%22]}", "00-90bdf848647d50283394155d2df58f19-84dacdfdf07cadfc-00",
        "%FF%FE", "%ED%A0%80", "%00", "%E2%80%AE", "id\u202Egpj", "\ud800", "x\u0000y", "{\"a\":1,\"a\":2}", "{\"k\\ud800\":1}", "[1]",
    ];

    private static readonly string[] s_attributes =
    [
        "specversion", "id", "source", "type", "time", "inferenceservicename", "namespace", "component", "endpoint", "metadata", "annotations", "traceparent",
    ];

    private static readonly string[] s_contentTypes = ["application/json", "application/cloudevents+json", "text/plain", "application/octet-stream", "application/x+json; charset=utf-8", "", "\u00e9/\u00e9"];

    [Fact]
    public void ReadStructured_MutatedEvents_RefusesOnlyWithCloudEventFormatExceptionAndAcceptsOnlyRecordableEvents()
    {
        FuzzBudget.Run(ByteMutations.Of(s_structured), shortRun: 4_000, body =>
        {
            InferenceEvent half;
            try
            {
                half = InferenceEventReader.ReadStructured(body);
            }
            catch (CloudEventFormatException error)
            {
                Assert.False(string.IsNullOrEmpty(error.Field));
                return;
            }

            AssertRecordable(half);
        }, ByteMutations.Show);
    }

    [Fact]
    public void ReadBinary_MutatedHeadersAndBodies_RefusesOnlyWithCloudEventFormatExceptionAndAcceptsOnlyRecordableEvents()
    {
        Gen<string> values = Gen.Frequency(
            (4, Gen.Int[0, s_headerValues.Length - 1].Select(i => s_headerValues[i])),
            (2, ByteMutations.TextOf(s_headerValues, maxEdits: 3)),
            (1, Gen.String[Gen.Char, 0, 12]));
        Gen<(string Attribute, string Value)[]> overrides = Gen.Select(Gen.Int[0, s_attributes.Length - 1].Select(i => s_attributes[i]), values).Array[0, 4];
        Gen<string> contentTypes = Gen.Int[0, s_contentTypes.Length - 1].Select(i => s_contentTypes[i]);
        Gen<byte[]> bodies = ByteMutations.Of([Encoding.UTF8.GetBytes(KServe.V1Request), Encoding.UTF8.GetBytes(KServe.V2Response), "plain"u8.ToArray()]);

        FuzzBudget.Run(Gen.Select(overrides, contentTypes, bodies), shortRun: 4_000, sample =>
        {
            (var changes, string contentType, byte[] body) = sample;
            var headers = new HeaderDictionary
            {
                ["ce-specversion"] = "1.0", ["ce-id"] = "inf-1", ["ce-source"] = KServe.Source, ["ce-type"] = KServe.RequestType,
                ["ce-time"] = "2026-11-23T12:00:00Z", ["ce-inferenceservicename"] = KServe.Service,
            };
            foreach ((string attribute, string value) in changes)
            {
                headers["ce-" + attribute] = new StringValues(value);
            }

            InferenceEvent half;
            try
            {
                half = InferenceEventReader.ReadBinary(headers, contentType, body);
            }
            catch (CloudEventFormatException error)
            {
                Assert.False(string.IsNullOrEmpty(error.Field));
                return;
            }

            AssertRecordable(half);
        }, sample => $"headers [{string.Join(", ", sample.Item1.Select(c => $"ce-{c.Attribute}: {Escape(c.Value)}"))}], content type {Escape(sample.Item2)}, body {ByteMutations.Show(sample.Item3)}");
    }

    // Found by the properties above: each of these escaped as InvalidOperationException (a 500, or a
    // failure later, when the pair was recorded) or was accepted although the ledger cannot store it.
    [Theory]
    [InlineData("invalid UTF-8 in id", "id\":\"inf-\xFF")]
    [InlineData("invalid UTF-8 in a member name", "x\xF0\":\"1")]
    [InlineData("escaped lone surrogate in a member name", "x\\ud800\":\"1")]
    [InlineData("invalid UTF-8 in data", "data\":{\"k\":\"\xC3\"}, \"y")]
    public void ReadStructured_UnrecordableText_IsRefusedAsFormatError(string why, string member)
    {
        byte[] body = Encoding.Latin1.GetBytes(
            $$"""{"specversion":"1.0","source":"s","type":"{{KServe.RequestType}}","inferenceservicename":"m","id":"inf-9","{{member}}":"1"}""");

        CloudEventFormatException error = Assert.Throws<CloudEventFormatException>(() => InferenceEventReader.ReadStructured(body));

        Assert.False(string.IsNullOrEmpty(error.Field), why);
    }

    [Theory]
    [InlineData("ce-metadata", "{\"k\\ud800\":1}")]
    [InlineData("ce-id", "inv\u202Egpj")]
    [InlineData("ce-inferenceservicename", "model\uFFFF")]
    [InlineData("ce-namespace", "a\u0000b")]
    public void ReadBinary_UnrecordableAttribute_IsRefusedNamingTheHeader(string header, string value)
    {
        var headers = new HeaderDictionary
        {
            ["ce-specversion"] = "1.0", ["ce-id"] = "inf-1", ["ce-source"] = KServe.Source, ["ce-type"] = KServe.RequestType,
            ["ce-inferenceservicename"] = KServe.Service,
        };
        headers[header] = value;

        CloudEventFormatException error = Assert.Throws<CloudEventFormatException>(() => InferenceEventReader.ReadBinary(headers, "application/json", Encoding.UTF8.GetBytes(KServe.V1Request)));

        Assert.Equal(header, error.Field);
    }

    private static void AssertRecordable(InferenceEvent half)
    {
        Decision decision;
        try
        {
            decision = s_builder.Build(half.Kind == InferenceEventKind.Request ? half : null, half.Kind == InferenceEventKind.Response ? half : null, "fuzz");
        }
        catch (DecisionValidationException)
        {
            return;
        }

        JsonCanonicalizer.Canonicalize(decision.Input);
        JsonCanonicalizer.Canonicalize(decision.Output);
        if (decision.Metadata is { } metadata)
        {
            JsonCanonicalizer.Canonicalize(metadata);
        }
    }

    private static string Escape(string text) =>
        "\"" + string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString())) + "\"";
}
