using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace DecisionLedger.Tests.Fuzzing;

/// <summary>Generated JSON documents (any valid Unicode text, finite numbers, nesting) and a comparison by meaning.</summary>
internal static class JsonValues
{
    // Any UTF-16 code unit, with unpaired surrogates replaced: JCS refuses those by design.
    private static readonly Gen<string> s_text = Gen.Frequency(
        (3, Gen.String[Gen.Char.AlphaNumeric, 0, 12]),
        (2, Gen.String[Gen.Char, 0, 12].Select(ValidUtf16)),
        (1, Gen.OneOf(Gen.Const("\u2028\u2029\u007f\u0080"), Gen.Const("\ud83d\ude00\u00e9e\u0301"), Gen.Const("\"\\/\b\f\n\r\t\u0000\u001f"), Gen.Const(""))));

    private static readonly Gen<JsonNode?> s_scalar = Gen.Frequency(
        (3, s_text.Select(s => (JsonNode?)JsonValue.Create(s))),
        (2, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
        (2, Gen.Double.Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d))),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.Const<JsonNode?>(() => null)));

    /// <summary>Objects and arrays up to a few levels deep with scalars at the leaves.</summary>
    public static readonly Gen<JsonNode> Document = Gen.Recursive<JsonNode?>((depth, inner) => depth >= 4
        ? s_scalar
        : Gen.Frequency(
            (2, s_scalar),
            (2, inner.Array[0, 5].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()))),
            (3, Gen.Select(s_text, inner).Array[0, 6].Select(members => (JsonNode?)ToObject(members)))))
        .Select(node => node ?? new JsonObject());

    /// <summary>Asserts <paramref name="actual"/> holds the same values as <paramref name="expected"/>, numbers compared as doubles.</summary>
    public static void AssertSameMeaning(JsonNode? expected, JsonElement actual, string path)
    {
        switch (expected)
        {
            case null:
                Assert.Equal(JsonValueKind.Null, actual.ValueKind);
                break;
            case JsonObject obj:
                Assert.Equal(JsonValueKind.Object, actual.ValueKind);
                Assert.Equal(obj.Count, actual.GetPropertyCount());
                foreach ((string name, JsonNode? value) in obj)
                {
                    Assert.True(actual.TryGetProperty(name, out JsonElement member), $"{path}: member {name} is missing");
                    AssertSameMeaning(value, member, path + "." + name);
                }

                break;
            case JsonArray array:
                Assert.Equal(array.Count, actual.GetArrayLength());
                for (int i = 0; i < array.Count; i++)
                {
                    AssertSameMeaning(array[i], actual[i], $"{path}[{i}]");
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                Assert.Equal(value.GetValue<string>(), actual.GetString());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                double number = value.TryGetValue(out long whole) ? whole : value.GetValue<double>();
                Assert.Equal(number == 0 ? 0d : number, actual.GetDouble());
                break;
            case JsonValue value:
                Assert.Equal(value.GetValueKind(), actual.ValueKind);
                break;
        }
    }

    private static JsonObject ToObject((string Name, JsonNode? Value)[] members)
    {
        var obj = new JsonObject();
        foreach ((string name, JsonNode? value) in members)
        {
            obj[name] = value?.DeepClone();
        }

        return obj;
    }

    private static string ValidUtf16(string text)
    {
        char[] chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = 'x';
            }
        }

        return new string(chars);
    }
}
