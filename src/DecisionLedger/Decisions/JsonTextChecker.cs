using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace DecisionLedger.Decisions;

/// <summary>
/// Holds JSON text to <see cref="TextRules"/>: member names and string values valid UTF-8, and no escape
/// that decodes to U+0000 or to an unpaired surrogate. The JSON reader checks neither: it validates
/// structure only, and a name or string is transcoded (and found faulty) only when somebody asks for it
/// as a .NET string, which for most of a decision nobody does until the canonicalizer or the store.
/// </summary>
internal static class JsonTextChecker
{
    /// <summary>
    /// Checks a JSON value whose bytes did not come through <see cref="DecisionParser"/> (a <see cref="Decision"/>
    /// built in code). Cost when all is well: one vectorized UTF-8 validation and one vectorized search for a
    /// backslash over the value's raw bytes; only values with escapes are walked.
    /// </summary>
    /// <exception cref="DecisionValidationException">A name or string breaks the rules; the message names its path.</exception>
    public static void EnsureValid(JsonElement value, string path)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (!Utf8.IsValid(raw))
        {
            throw LocateInvalidUtf8(value, path);
        }

        if (raw.Contains((byte)'\\'))
        {
            CheckEscapes(value, path);
        }
    }

    /// <summary>
    /// Finds the name or string value of <paramref name="value"/> that is not valid UTF-8 (the caller knows
    /// one is) and describes it. This is the error path: it walks the whole value and builds paths freely.
    /// </summary>
    public static DecisionValidationException LocateInvalidUtf8(JsonElement value, string path) =>
        FindInvalidUtf8(value, path) ?? new DecisionValidationException(path, "is not valid UTF-8", TextRules.ValidTextFix);

    private static DecisionValidationException? FindInvalidUtf8(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    var name = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (!Utf8.IsValid(name))
                    {
                        return new DecisionValidationException(
                            JsonPaths.Child(path, Encoding.UTF8.GetString(name)), $"member name is not valid UTF-8 ({DescribeInvalid(name)})", TextRules.ValidTextFix);
                    }

                    if (FindInvalidUtf8(property.Value, path, property) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (FindInvalidUtf8(item, JsonPaths.Index(path, index)) is { } found)
                    {
                        return found;
                    }

                    index++;
                }

                return null;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(value);
                var content = raw[1..^1];
                return Utf8.IsValid(content)
                    ? null
                    : new DecisionValidationException(path, $"string is not valid UTF-8 ({DescribeInvalid(content)})", TextRules.ValidTextFix);
            default:
                return null;
        }
    }

    // Builds the child's path only when the child can hold text at all.
    private static DecisionValidationException? FindInvalidUtf8(JsonElement child, string parent, JsonProperty property) =>
        child.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String
            ? FindInvalidUtf8(child, JsonPaths.Member(parent, property))
            : null;

    private static void CheckEscapes(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (JsonMarshal.GetRawUtf8PropertyName(property).Contains((byte)'\\'))
                    {
                        CheckDecoded(TryDecode(property), JsonPaths.Member(path, property), "member name ");
                    }

                    var child = property.Value;
                    if (child.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String && JsonMarshal.GetRawUtf8Value(child).Contains((byte)'\\'))
                    {
                        CheckEscapes(child, JsonPaths.Member(path, property));
                    }
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.String && JsonMarshal.GetRawUtf8Value(item).Contains((byte)'\\'))
                    {
                        CheckEscapes(item, JsonPaths.Index(path, index));
                    }

                    index++;
                }

                break;
            case JsonValueKind.String:
                CheckDecoded(TryDecode(value), path, string.Empty);
                break;
            default:
                break;
        }
    }

    // Null when the text holds an escape that decodes to an unpaired surrogate (the reader refuses to transcode it).
    private static string? TryDecode(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string? TryDecode(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static void CheckDecoded(string? text, string path, string what)
    {
        if (text is null)
        {
            throw new DecisionValidationException(path, $"{what}contains an unpaired surrogate escape (e.g. \\ud800 alone)", TextRules.ValidTextFix);
        }

        if (TextRules.FindInvalid(text) is { } problem)
        {
            throw new DecisionValidationException(path, what + problem, TextRules.ValidTextFix);
        }
    }

    private static string DescribeInvalid(ReadOnlySpan<byte> utf8)
    {
        var offset = 0;
        while (offset < utf8.Length && Rune.DecodeFromUtf8(utf8[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset < utf8.Length
            ? string.Create(CultureInfo.InvariantCulture, $"byte 0x{utf8[offset]:X2} at byte {offset}")
            : "truncated sequence at the end";
    }
}
