using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace DecisionLedger.Decisions;

/// <summary>
/// Turns wire JSON into a validated <see cref="Decision"/> (shared/DESIGN.md, "The decision record"),
/// or throws a <see cref="DecisionValidationException"/> naming the field, the problem and the fix.
/// </summary>
/// <remarks>
/// <para>Rules beyond the JSON shape: unknown fields are rejected at every structured level
/// (top level, <c>model</c>, <c>explanation</c>, <c>actor</c>, <c>subject</c>); duplicate property
/// names are rejected everywhere; <see langword="null"/> for an optional field means absent and for a
/// required one means missing; structured string fields must not be empty or blank; numbers must be
/// finite everywhere, free-form parts included (RFC 8785 cannot represent anything else);
/// <c>requestId</c> must not contain control characters; timestamps are converted to UTC and truncated
/// to microseconds.</para>
/// <para>Text rules (<see cref="TextRules"/>), the same for a <see cref="Decision"/> built in code: every
/// member name and string value, free-form parts included, is valid UTF-8 and holds neither U+0000 nor an
/// unpaired surrogate escape; <c>requestId</c>, <c>model.name</c>, <c>subject.id</c> and <c>actor.userId</c>
/// hold no bidirectional control (U+202A–U+202E, U+2066–U+2069) and no noncharacter.</para>
/// <para>Thread-safe: a parser holds only its limits and may be shared.</para>
/// </remarks>
public sealed class DecisionParser
{
    private const string TopLevelFields = "requestId, timestamp, model, input, output, explanation, actor, subject, latencyMs, metadata";

    private readonly int _maxPayloadBytes;
    private readonly int _maxDepth;
    private readonly int _maxStringLength;
    private readonly int _maxRequestIdLength;
    private readonly int _maxAttributions;
    private readonly JsonDocumentOptions _documentOptions;

    /// <summary>Creates a parser enforcing <paramref name="limits"/>, copied now.</summary>
    /// <param name="limits">The limits to enforce.</param>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not usable (see <see cref="DecisionLimits.Validate"/>).</exception>
    public DecisionParser(DecisionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        _maxPayloadBytes = limits.MaxPayloadBytes;
        _maxDepth = limits.MaxDepth;
        _maxStringLength = limits.MaxStringLength;
        _maxRequestIdLength = limits.MaxRequestIdLength;
        _maxAttributions = limits.MaxAttributions;
        _documentOptions = new JsonDocumentOptions
        {
            MaxDepth = limits.MaxDepth,
            AllowDuplicateProperties = false,
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
        };
    }

    /// <summary>The longest string, in UTF-16 characters, anywhere in a decision.</summary>
    internal int MaxStringLength => _maxStringLength;

    /// <summary>The longest <c>requestId</c>, in characters.</summary>
    internal int MaxRequestIdLength => _maxRequestIdLength;

    /// <summary>The most entries <c>explanation.attributions</c> may have.</summary>
    internal int MaxAttributions => _maxAttributions;

    /// <summary>A parser with the default <see cref="DecisionLimits"/> (1 MiB, 32 levels, 65,536-character strings, 128-character request ids, 1,024 attributions).</summary>
    public static DecisionParser Default { get; } = new(new DecisionLimits());

    /// <summary>Parses and validates one decision from UTF-8 JSON.</summary>
    /// <param name="utf8Json">One JSON object; surrounding whitespace is allowed, anything else is not.</param>
    /// <returns>The decision; its <see cref="JsonElement"/> parts own their memory and stay valid indefinitely.</returns>
    /// <exception cref="DecisionValidationException">The payload is too large, not well-formed JSON, too deep, or not a valid decision.</exception>
    public Decision Parse(ReadOnlySpan<byte> utf8Json)
    {
        // Size first: a payload over the limit is refused before any parsing work is spent on it.
        if (utf8Json.Length > _maxPayloadBytes)
        {
            throw new DecisionValidationException(
                JsonPaths.Root,
                string.Create(CultureInfo.InvariantCulture, $"payload is {utf8Json.Length:N0} bytes, over the {_maxPayloadBytes:N0}-byte limit"),
                "send a smaller decision or raise DecisionLimits.MaxPayloadBytes");
        }

        JsonElement root;
        try
        {
            // JsonElement.Parse copies the payload into one unpooled document, so every element
            // handed out in the Decision stays valid with nothing to dispose. The alternative,
            // a pooled JsonDocument plus Clone() of input, output, metadata and parameters,
            // copies the bytes again for each part and still allocates the clones.
            root = JsonElement.Parse(utf8Json, _documentOptions);
        }
        catch (JsonException exception)
        {
            throw JsonProblemLocator.Locate(utf8Json, _maxDepth, exception);
        }
        catch (InvalidOperationException)
        {
            // The duplicate-name check decodes escaped member names and throws on one that decodes to an
            // unpaired surrogate: a client error, to be named like any other, not a server failure.
            throw LocateUndecodableName(utf8Json);
        }

        // The reader checks structure, not encoding: a name or string of invalid UTF-8 would pass and fail
        // later, in the canonicalizer or the store, taking a whole group commit with it. One vectorized pass
        // over the payload settles it; the walk that names the field runs only when it fails.
        if (!Utf8.IsValid(utf8Json))
        {
            throw JsonTextChecker.LocateInvalidUtf8(root, JsonPaths.Root);
        }

        return Validate(root, checkStringLengths: utf8Json.Length > _maxStringLength);
    }

    /// <summary>Validates a decision already parsed by the caller, with exactly the rules of <see cref="Parse(ReadOnlySpan{byte})"/>.</summary>
    /// <param name="element">The decision object. Its raw text is re-read, so the result does not depend on <paramref name="element"/>'s document staying alive.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException"><paramref name="element"/> is <c>default</c> (undefined).</exception>
    /// <exception cref="DecisionValidationException">The element is not a valid decision, or breaks a limit.</exception>
    public Decision Parse(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The JSON element is undefined (default).", nameof(element));
        }

        // The caller's document may have been parsed leniently (duplicates, any depth) and may be
        // disposed later; re-reading its raw bytes gives one code path and one set of rules.
        return Parse(JsonMarshal.GetRawUtf8Value(element));
    }

    private DecisionValidationException LocateUndecodableName(ReadOnlySpan<byte> utf8Json)
    {
        var lenient = JsonElement.Parse(utf8Json, _documentOptions with { AllowDuplicateProperties = true });
        try
        {
            JsonTextChecker.EnsureValid(lenient, JsonPaths.Root);
        }
        catch (DecisionValidationException exception)
        {
            return exception;
        }

        return new DecisionValidationException(JsonPaths.Root, "a member name cannot be decoded", TextRules.ValidTextFix);
    }

    private Decision Validate(JsonElement root, bool checkStringLengths)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DecisionValidationException(
                JsonPaths.Root, $"must be a JSON object, got {DecisionFieldErrors.Describe(root.ValueKind)}", "send one decision object per request (or per NDJSON line)");
        }

        var fields = new DecisionFieldReader(this, checkStringLengths);
        string? requestId = null;
        DateTimeOffset? timestamp = null;
        ModelInfo? model = null;
        JsonElement? input = null;
        JsonElement? output = null;
        Explanation? explanation = null;
        Actor? actor = null;
        DecisionSubject? subject = null;
        double? latencyMs = null;
        JsonElement? metadata = null;

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameEquals("model"u8))
            {
                model = value.ValueKind == JsonValueKind.Null ? null : ModelInfoReader.Read(value, fields);
            }
            else if (property.NameEquals("input"u8))
            {
                input = fields.FreeFormObject(value, "input", "send the model's input features as an object, e.g. {\"amount\": 120.5}");
            }
            else if (property.NameEquals("output"u8))
            {
                output = fields.FreeFormObject(value, "output", "send the model's output as an object, e.g. {\"score\": 0.93}");
            }
            else if (property.NameEquals("requestId"u8))
            {
                requestId = RequestIdReader.Read(value, fields);
            }
            else if (property.NameEquals("timestamp"u8))
            {
                timestamp = TimestampReader.Read(value);
            }
            else if (property.NameEquals("explanation"u8))
            {
                explanation = ExplanationReader.Read(value, fields);
            }
            else if (property.NameEquals("actor"u8))
            {
                actor = ActorReader.Read(value, fields);
            }
            else if (property.NameEquals("subject"u8))
            {
                subject = SubjectReader.Read(value, fields);
            }
            else if (property.NameEquals("latencyMs"u8))
            {
                latencyMs = ReadLatency(value);
            }
            else if (property.NameEquals("metadata"u8))
            {
                metadata = fields.OptionalFreeFormObject(value, "metadata", "send context such as {\"endpoint\": \"/predict\"} as an object, or omit it");
            }
            else
            {
                throw DecisionFieldErrors.Unknown(JsonPaths.Root, property, TopLevelFields);
            }
        }

        return new Decision
        {
            RequestId = requestId,
            Timestamp = timestamp,
            Model = model ?? throw DecisionFieldErrors.Required("model", "send an object with at least name and version, e.g. {\"name\": \"fraud_detector\", \"version\": \"3.2.1\"}"),
            Input = input ?? throw DecisionFieldErrors.Required("input", "send the model's input features as an object, e.g. {\"amount\": 120.5}"),
            Output = output ?? throw DecisionFieldErrors.Required("output", "send the model's output as an object, e.g. {\"score\": 0.93}"),
            Explanation = explanation,
            Actor = actor,
            Subject = subject,
            LatencyMs = latencyMs,
            Metadata = metadata,
        };
    }

    private static double? ReadLatency(JsonElement value)
    {
        const string Fix = "send the prediction's duration in milliseconds as a number ≥ 0, e.g. 23.5, or omit it";
        var latency = FiniteNumberReader.Optional(value, "latencyMs", Fix);
        if (latency < 0)
        {
            throw new DecisionValidationException(
                "latencyMs", string.Create(CultureInfo.InvariantCulture, $"must not be negative, got {latency}"), Fix);
        }

        return latency;
    }
}
