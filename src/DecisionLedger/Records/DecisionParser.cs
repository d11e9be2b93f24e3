using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace DecisionLedger.Records;

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
/// <para>Thread-safe: a parser holds only its limits and may be shared.</para>
/// </remarks>
public sealed class DecisionParser
{
    private const string TopLevelFields = "requestId, timestamp, model, input, output, explanation, actor, subject, latencyMs, metadata";
    private const string ModelFields = "name, version, pipelineVersion, artifactDigest, parameters";
    private const string ExplanationFields = "method, baseValue, attributions";
    private const string ActorFields = "userId, tenant";
    private const string SubjectFields = "id";

    // A number without an exponent and with fewer digits than this cannot overflow a double,
    // so the common case is proved finite from its length alone.
    private const int SafeNumberLength = 300;

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

    private Decision Validate(JsonElement root, bool checkStringLengths)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DecisionValidationException(
                JsonPaths.Root, $"must be a JSON object, got {Describe(root.ValueKind)}", "send one decision object per request (or per NDJSON line)");
        }

        var context = new Context(this, checkStringLengths);
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
                model = value.ValueKind == JsonValueKind.Null ? null : ReadModel(value, context);
            }
            else if (property.NameEquals("input"u8))
            {
                input = context.FreeFormObject(value, "input", "send the model's input features as an object, e.g. {\"amount\": 120.5}");
            }
            else if (property.NameEquals("output"u8))
            {
                output = context.FreeFormObject(value, "output", "send the model's output as an object, e.g. {\"score\": 0.93}");
            }
            else if (property.NameEquals("requestId"u8))
            {
                requestId = ReadRequestId(value, context);
            }
            else if (property.NameEquals("timestamp"u8))
            {
                timestamp = ReadTimestamp(value);
            }
            else if (property.NameEquals("explanation"u8))
            {
                explanation = ReadExplanation(value, context);
            }
            else if (property.NameEquals("actor"u8))
            {
                actor = ReadActor(value, context);
            }
            else if (property.NameEquals("subject"u8))
            {
                subject = ReadSubject(value, context);
            }
            else if (property.NameEquals("latencyMs"u8))
            {
                latencyMs = ReadLatency(value);
            }
            else if (property.NameEquals("metadata"u8))
            {
                metadata = context.OptionalFreeFormObject(value, "metadata", "send context such as {\"endpoint\": \"/predict\"} as an object, or omit it");
            }
            else
            {
                throw Unknown(JsonPaths.Root, property, TopLevelFields);
            }
        }

        return new Decision
        {
            RequestId = requestId,
            Timestamp = timestamp,
            Model = model ?? throw Required("model", "send an object with at least name and version, e.g. {\"name\": \"fraud_detector\", \"version\": \"3.2.1\"}"),
            Input = input ?? throw Required("input", "send the model's input features as an object, e.g. {\"amount\": 120.5}"),
            Output = output ?? throw Required("output", "send the model's output as an object, e.g. {\"score\": 0.93}"),
            Explanation = explanation,
            Actor = actor,
            Subject = subject,
            LatencyMs = latencyMs,
            Metadata = metadata,
        };
    }

    private static ModelInfo ReadModel(JsonElement value, Context context)
    {
        RequireObject(value, "model", "send an object with at least name and version, e.g. {\"name\": \"fraud_detector\", \"version\": \"3.2.1\"}");
        string? name = null;
        string? version = null;
        string? pipelineVersion = null;
        string? artifactDigest = null;
        JsonElement? parameters = null;
        foreach (var property in value.EnumerateObject())
        {
            var field = property.Value;
            if (property.NameEquals("name"u8))
            {
                name = context.OptionalString(field, "model.name", "\"fraud_detector\"");
            }
            else if (property.NameEquals("version"u8))
            {
                version = context.OptionalString(field, "model.version", "\"3.2.1\"");
            }
            else if (property.NameEquals("pipelineVersion"u8))
            {
                pipelineVersion = context.OptionalString(field, "model.pipelineVersion", "\"prep-7\"");
            }
            else if (property.NameEquals("artifactDigest"u8))
            {
                artifactDigest = context.OptionalString(field, "model.artifactDigest", "\"sha256:9f86d0…\"");
            }
            else if (property.NameEquals("parameters"u8))
            {
                parameters = context.OptionalFreeFormObject(field, "model.parameters", "send parameters as an object, e.g. {\"threshold\": 0.8}, or omit them");
            }
            else
            {
                throw Unknown("model", property, ModelFields);
            }
        }

        return new ModelInfo
        {
            Name = name ?? throw Required("model.name", "send a non-empty string, e.g. \"fraud_detector\""),
            Version = version ?? throw Required("model.version", "send a non-empty string, e.g. \"3.2.1\""),
            PipelineVersion = pipelineVersion,
            ArtifactDigest = artifactDigest,
            Parameters = parameters,
        };
    }

    private static Explanation? ReadExplanation(JsonElement value, Context context)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        RequireObject(value, "explanation", "send {\"method\": …, \"baseValue\": …, \"attributions\": {…}} or omit it");
        string? method = null;
        double? baseValue = null;
        Dictionary<string, double>? attributions = null;
        foreach (var property in value.EnumerateObject())
        {
            var field = property.Value;
            if (property.NameEquals("method"u8))
            {
                method = context.OptionalString(field, "explanation.method", "\"feature-contribution\"");
            }
            else if (property.NameEquals("baseValue"u8))
            {
                baseValue = OptionalFiniteNumber(field, "explanation.baseValue", "send a finite JSON number such as 0.1, or omit it");
            }
            else if (property.NameEquals("attributions"u8))
            {
                attributions = context.ReadAttributions(field);
            }
            else
            {
                throw Unknown("explanation", property, ExplanationFields);
            }
        }

        return new Explanation { Method = method, BaseValue = baseValue, Attributions = attributions };
    }

    private static Actor? ReadActor(JsonElement value, Context context)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        RequireObject(value, "actor", "send {\"userId\": …, \"tenant\": …} or omit it");
        string? userId = null;
        string? tenant = null;
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals("userId"u8))
            {
                userId = context.OptionalString(property.Value, "actor.userId", "\"analyst_jane\"");
            }
            else if (property.NameEquals("tenant"u8))
            {
                tenant = context.OptionalString(property.Value, "actor.tenant", "\"emea\"");
            }
            else
            {
                throw Unknown("actor", property, ActorFields);
            }
        }

        return new Actor { UserId = userId, Tenant = tenant };
    }

    private static DecisionSubject? ReadSubject(JsonElement value, Context context)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        RequireObject(value, "subject", "send {\"id\": \"customer-1842\"} or omit it");
        string? id = null;
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals("id"u8))
            {
                id = context.OptionalString(property.Value, "subject.id", "\"customer-1842\"");
            }
            else
            {
                throw Unknown("subject", property, SubjectFields);
            }
        }

        return new DecisionSubject { Id = id };
    }

    private static string? ReadRequestId(JsonElement value, Context context)
    {
        var requestId = context.OptionalString(value, "requestId", "\"0193a5c2-7d4e-7b1a-9c3f-2e8d4b6a1f00\"");
        if (requestId is null)
        {
            return null;
        }

        var max = context.Parser._maxRequestIdLength;
        if (requestId.Length > max)
        {
            throw new DecisionValidationException(
                "requestId",
                string.Create(CultureInfo.InvariantCulture, $"is {requestId.Length:N0} characters, over the {max:N0}-character limit"),
                "send a shorter id (a UUID is 36 characters) or omit it to have a UUIDv7 assigned");
        }

        // Ids end up in CLI output, logs and URLs; control characters there enable log forging.
        foreach (var c in requestId)
        {
            if (char.IsControl(c))
            {
                throw new DecisionValidationException(
                    "requestId",
                    string.Create(CultureInfo.InvariantCulture, $"contains the control character U+{(int)c:X4}"),
                    "send printable characters only, e.g. a UUID, or omit it to have a UUIDv7 assigned");
            }
        }

        return requestId;
    }

    private static DateTimeOffset? ReadTimestamp(JsonElement value)
    {
        const string Fix = "send an RFC 3339 date-time with an offset, e.g. \"" + Rfc3339.Example + "\", or omit it to use the recorder's clock";
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new DecisionValidationException("timestamp", $"must be a string, got {Describe(value.ValueKind)}", Fix);
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        string text;
        if (raw.Length <= 66 && !raw.Contains((byte)'\\'))
        {
            // The common case: plain ASCII without escapes, widened without allocating a string.
            Span<char> chars = stackalloc char[raw.Length - 2];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)raw[i + 1];
            }

            if (Rfc3339.TryParse(chars, out var utc, out var problem))
            {
                return utc;
            }

            text = problem;
        }
        else
        {
            string s;
            try
            {
                s = value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw new DecisionValidationException("timestamp", "string contains an unpaired UTF-16 surrogate escape", Fix);
            }

            if (Rfc3339.TryParse(s, out var utc, out var problem))
            {
                return utc;
            }

            text = problem;
        }

        throw new DecisionValidationException("timestamp", text, Fix);
    }

    private static double? ReadLatency(JsonElement value)
    {
        const string Fix = "send the prediction's duration in milliseconds as a number ≥ 0, e.g. 23.5, or omit it";
        var latency = OptionalFiniteNumber(value, "latencyMs", Fix);
        if (latency < 0)
        {
            throw new DecisionValidationException(
                "latencyMs", string.Create(CultureInfo.InvariantCulture, $"must not be negative, got {latency}"), Fix);
        }

        return latency;
    }

    private static double? OptionalFiniteNumber(JsonElement value, string path, string fix)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return FiniteNumber(value, path, fix);
    }

    private static double FiniteNumber(JsonElement value, string path, string fix)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new DecisionValidationException(path, $"must be a number, got {Describe(value.ValueKind)}", fix);
        }

        // TryGetDouble reports success for 1e999 and yields infinity; JSON has no infinity.
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw NotFinite(path, fix);
        }

        return number;
    }

    private static void RequireObject(JsonElement value, string path, string fix)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new DecisionValidationException(path, $"must be a JSON object, got {Describe(value.ValueKind)}", fix);
        }
    }

    private static DecisionValidationException Required(string path, string fix) => new(path, "required", fix);

    private static DecisionValidationException NotFinite(string path, string fix) =>
        new(path, "number is out of range for a 64-bit float (JSON numbers must be finite)", fix);

    private static DecisionValidationException Unknown(string parentPath, JsonProperty property, string allowed) =>
        new(JsonPaths.Child(parentPath, property.Name), "unknown field", $"remove it (allowed: {allowed})");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>Per-call state: the parser's limits and whether string lengths need checking at all.</summary>
    private readonly struct Context(DecisionParser parser, bool checkStringLengths)
    {
        public DecisionParser Parser { get; } = parser;

        // A string cannot have more UTF-16 characters than the payload has UTF-8 bytes, so for
        // payloads no longer than MaxStringLength (nearly all) no string needs measuring.
        private bool CheckStringLengths { get; } = checkStringLengths;

        public string? OptionalString(JsonElement value, string path, string example)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw new DecisionValidationException(path, $"must be a string, got {Describe(value.ValueKind)}", $"send a non-empty string, e.g. {example}");
            }

            CheckString(value, path);
            var text = value.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new DecisionValidationException(path, "must not be empty or blank", $"send a non-empty string, e.g. {example}, or omit the field");
            }

            return text;
        }

        public JsonElement FreeFormObject(JsonElement value, string path, string fix)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                throw Required(path, fix);
            }

            RequireObject(value, path, fix);
            WalkFreeForm(value, path);
            return value;
        }

        public JsonElement? OptionalFreeFormObject(JsonElement value, string path, string fix) =>
            value.ValueKind == JsonValueKind.Null ? null : FreeFormObject(value, path, fix);

        public Dictionary<string, double>? ReadAttributions(JsonElement value)
        {
            const string Path = "explanation.attributions";
            const string NumberFix = "send each feature's contribution as a finite number, e.g. {\"amount\": 0.42}";
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            RequireObject(value, Path, NumberFix);
            var count = value.GetPropertyCount();
            var max = Parser._maxAttributions;
            if (count > max)
            {
                throw new DecisionValidationException(
                    Path,
                    string.Create(CultureInfo.InvariantCulture, $"has {count:N0} entries, over the {max:N0}-entry limit"),
                    "send only the most influential features or raise DecisionLimits.MaxAttributions");
            }

            var attributions = new Dictionary<string, double>(count, StringComparer.Ordinal);
            foreach (var property in value.EnumerateObject())
            {
                CheckName(property, Path);
                var name = property.Name;
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new DecisionValidationException(JsonPaths.Child(Path, name), "feature name is empty or blank", "name every feature");
                }

                // The path string is built only for a bad value: this runs for every feature of every decision.
                var contribution = property.Value;
                attributions[name] = contribution.ValueKind == JsonValueKind.Number && contribution.TryGetDouble(out var number) && double.IsFinite(number)
                    ? number
                    : FiniteNumber(contribution, JsonPaths.Child(Path, name), NumberFix);
            }

            return attributions;
        }

        private void WalkFreeForm(JsonElement value, string path)
        {
            // Depth is already bounded by the JSON reader (MaxDepth ≤ DepthCeiling), so recursion is safe.
            // Paths for children are built only when a child is found faulty.
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        CheckName(property, path);
                        var child = property.Value;
                        if (!IsScalarOk(child))
                        {
                            WalkFreeForm(child, JsonPaths.Child(path, property.Name));
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        if (!IsScalarOk(item))
                        {
                            WalkFreeForm(item, JsonPaths.Index(path, index));
                        }

                        index++;
                    }

                    break;
                case JsonValueKind.String:
                    CheckString(value, path);
                    break;
                case JsonValueKind.Number:
                    if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
                    {
                        throw NotFinite(path, "send a finite number, or the value as a string if it must be exact");
                    }

                    break;
                default:
                    break;
            }
        }

        // The fast verdict for a leaf: true when it certainly needs no further look.
        private bool IsScalarOk(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    var raw = JsonMarshal.GetRawUtf8Value(value);
                    return (!CheckStringLengths || raw.Length - 2 <= Parser._maxStringLength) && !raw.Contains((byte)'\\');
                case JsonValueKind.Number:
                    var digits = JsonMarshal.GetRawUtf8Value(value);
                    return digits.Length < SafeNumberLength && digits.IndexOfAny((byte)'e', (byte)'E') < 0;
                case JsonValueKind.True:
                case JsonValueKind.False:
                case JsonValueKind.Null:
                    return true;
                default:
                    return false;
            }
        }

        private void CheckString(JsonElement value, string path)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            var hasEscapes = raw.Contains((byte)'\\');
            if (!hasEscapes && (!CheckStringLengths || raw.Length - 2 <= Parser._maxStringLength))
            {
                return;
            }

            string text;
            try
            {
                text = value.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw InvalidText(path);
            }

            if (text.Length > Parser._maxStringLength)
            {
                throw TooLong(path, "string", text.Length);
            }
        }

        private void CheckName(JsonProperty property, string parentPath)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var hasEscapes = raw.Contains((byte)'\\');
            if (!hasEscapes && (!CheckStringLengths || raw.Length <= Parser._maxStringLength))
            {
                return;
            }

            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                throw InvalidText(parentPath);
            }

            if (name.Length > Parser._maxStringLength)
            {
                throw TooLong(parentPath, "property name", name.Length);
            }
        }

        private DecisionValidationException TooLong(string path, string what, int length) => new(
            path,
            string.Create(CultureInfo.InvariantCulture, $"{what} is {length:N0} characters, over the {Parser._maxStringLength:N0}-character limit"),
            "shorten it (store large blobs elsewhere and send a reference) or raise DecisionLimits.MaxStringLength");

        private static DecisionValidationException InvalidText(string path) => new(
            path,
            "string contains an unpaired UTF-16 surrogate escape (e.g. \\ud800 alone)",
            "send valid Unicode text");
    }
}
