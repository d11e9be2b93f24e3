using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace DecisionLedger.Decisions;

/// <summary>
/// Per-call state of one <see cref="DecisionParser.Parse(ReadOnlySpan{byte})"/>: the parser's limits and whether
/// string lengths need checking at all. Reads strings and free-form objects, looking at the raw UTF-8 first so that
/// the common value (no escapes, short enough) is accepted without decoding it.
/// </summary>
internal readonly struct DecisionFieldReader(DecisionParser parser, bool checkStringLengths)
{
    // A number without an exponent and with fewer digits than this cannot overflow a double,
    // so the common case is proved finite from its length alone.
    private const int SafeNumberLength = 300;

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
            throw new DecisionValidationException(path, $"must be a string, got {DecisionFieldErrors.Describe(value.ValueKind)}", $"send a non-empty string, e.g. {example}");
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
            throw DecisionFieldErrors.Required(path, fix);
        }

        DecisionFieldErrors.RequireObject(value, path, fix);
        WalkFreeForm(value, path);
        return value;
    }

    public JsonElement? OptionalFreeFormObject(JsonElement value, string path, string fix) =>
        value.ValueKind == JsonValueKind.Null ? null : FreeFormObject(value, path, fix);

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
                    throw DecisionFieldErrors.NotFinite(path, "send a finite number, or the value as a string if it must be exact");
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
                return (!CheckStringLengths || raw.Length - 2 <= Parser.MaxStringLength) && !raw.Contains((byte)'\\');
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
        if (!hasEscapes && (!CheckStringLengths || raw.Length - 2 <= Parser.MaxStringLength))
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

        if (text.Length > Parser.MaxStringLength)
        {
            throw TooLong(path, "string", text.Length);
        }

        // Only an escape can put U+0000 into a string (the reader refuses a raw one), so only here is it looked for.
        if (hasEscapes && TextRules.FindInvalid(text) is { } problem)
        {
            throw new DecisionValidationException(path, problem, TextRules.ValidTextFix);
        }
    }

    /// <summary>Checks a property name: valid Unicode, and within the string length limit when that can be exceeded.</summary>
    public void CheckName(JsonProperty property, string parentPath)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        var hasEscapes = raw.Contains((byte)'\\');
        if (!hasEscapes && (!CheckStringLengths || raw.Length <= Parser.MaxStringLength))
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
            throw new DecisionValidationException(
                JsonPaths.Member(parentPath, property), "member name contains an unpaired UTF-16 surrogate escape (e.g. \\ud800 alone)", TextRules.ValidTextFix);
        }

        if (name.Length > Parser.MaxStringLength)
        {
            throw TooLong(parentPath, "property name", name.Length);
        }

        if (hasEscapes && TextRules.FindInvalid(name) is { } problem)
        {
            throw new DecisionValidationException(JsonPaths.Child(parentPath, name), "member name " + problem, TextRules.ValidTextFix);
        }
    }

    private DecisionValidationException TooLong(string path, string what, int length) => new(
        path,
        string.Create(CultureInfo.InvariantCulture, $"{what} is {length:N0} characters, over the {Parser.MaxStringLength:N0}-character limit"),
        "shorten it (store large blobs elsewhere and send a reference) or raise DecisionLimits.MaxStringLength");

    private static DecisionValidationException InvalidText(string path) => new(
        path,
        "string contains an unpaired UTF-16 surrogate escape (e.g. \\ud800 alone)",
        TextRules.ValidTextFix);
}
