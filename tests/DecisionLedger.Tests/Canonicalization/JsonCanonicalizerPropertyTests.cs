using System.Globalization;
using System.Text;
using System.Text.Json;
using DecisionLedger.Canonicalization;

namespace DecisionLedger.Tests.Canonicalization;

public sealed class JsonCanonicalizerPropertyTests
{
    private const int Documents = 2500;

    [Fact]
    public void Canonicalize_RandomDocuments_IsIdempotentAndPreservesMeaning()
    {
        var random = new Random(8785);
        for (int i = 0; i < Documents; i++)
        {
            object? tree = RandomValue(random, depth: 0);
            var text = new StringBuilder();
            Serialize(tree, text, random);

            byte[] first = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(text.ToString()));
            byte[] second = JsonCanonicalizer.Canonicalize(first);

            Assert.True(first.AsSpan().SequenceEqual(second), $"Document {i} is not idempotent:\n{Encoding.UTF8.GetString(first)}\n{Encoding.UTF8.GetString(second)}");
            using JsonDocument parsed = JsonDocument.Parse(first);
            AssertSameMeaning(tree, parsed.RootElement, $"document {i}");
        }
    }

    [Fact]
    public void WriteNumber_RandomDoubles_RoundTripAndUseEcmaScriptLayout()
    {
        var random = new Random(754);
        for (int i = 0; i < 20_000; i++)
        {
            double value = RandomNumber(random);
            byte[] output = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(value.ToString("R", CultureInfo.InvariantCulture)));
            string text = Encoding.UTF8.GetString(output);

            Assert.Equal(value == 0 ? 0d : value, double.Parse(text, CultureInfo.InvariantCulture));
            double magnitude = Math.Abs(value);
            bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e21);
            Assert.True(plain != text.Contains('e', StringComparison.Ordinal), $"{value:R} printed as {text}");
            Assert.DoesNotContain("E", text, StringComparison.Ordinal);
            Assert.DoesNotContain("e-0", text, StringComparison.Ordinal);
            Assert.DoesNotContain("e+0", text, StringComparison.Ordinal);
        }
    }

    private static void AssertSameMeaning(object? expected, JsonElement actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.Equal(JsonValueKind.Null, actual.ValueKind);
                break;
            case bool b:
                Assert.Equal(b ? JsonValueKind.True : JsonValueKind.False, actual.ValueKind);
                break;
            case double d:
                Assert.Equal(d == 0 ? 0d : d, actual.GetDouble());
                break;
            case string s:
                Assert.Equal(s, actual.GetString());
                break;
            case List<object?> list:
                Assert.Equal(list.Count, actual.GetArrayLength());
                int index = 0;
                foreach (JsonElement item in actual.EnumerateArray())
                {
                    AssertSameMeaning(list[index++], item, where);
                }

                break;
            case Dictionary<string, object?> map:
                var names = map.Keys.ToList();
                names.Sort(string.CompareOrdinal);
                var actualNames = actual.EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(names, actualNames);
                foreach (JsonProperty property in actual.EnumerateObject())
                {
                    AssertSameMeaning(map[property.Name], property.Value, where);
                }

                break;
            default:
                throw new InvalidOperationException(where);
        }
    }

    private static object? RandomValue(Random random, int depth)
    {
        int kind = random.Next(depth >= 5 ? 4 : 6);
        switch (kind)
        {
            case 0: return null;
            case 1: return random.Next(2) == 0;
            case 2: return RandomNumber(random);
            case 3: return RandomString(random);
            case 4:
                var list = new List<object?>();
                for (int i = random.Next(5); i > 0; i--)
                {
                    list.Add(RandomValue(random, depth + 1));
                }

                return list;
            default:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int i = random.Next(7); i > 0; i--)
                {
                    map[RandomString(random)] = RandomValue(random, depth + 1);
                }

                return map;
        }
    }

    private static double RandomNumber(Random random)
    {
        switch (random.Next(6))
        {
            case 0:
                return random.NextInt64(-(1L << 53), 1L << 53);
            case 1:
                // Subnormals: exponent bits zero.
                return BitConverter.Int64BitsToDouble(random.NextInt64(1, 1L << 52)) * (random.Next(2) == 0 ? 1 : -1);
            case 2:
                return Math.Round((random.NextDouble() - 0.5) * 1000, random.Next(8));
            case 3:
                return Math.Pow(10, random.Next(-30, 30)) * (random.Next(2) == 0 ? 1 : -1);
            default:
                double any;
                do
                {
                    any = BitConverter.Int64BitsToDouble(random.NextInt64());
                }
                while (!double.IsFinite(any));

                return any;
        }
    }

    private static string RandomString(Random random)
    {
        var builder = new StringBuilder();
        for (int i = random.Next(8); i > 0; i--)
        {
            switch (random.Next(7))
            {
                case 0: builder.Append((char)random.Next(0x20)); break;
                case 1: builder.Append("\"\\/"[random.Next(3)]); break;
                case 2: builder.Append((char)random.Next(0x80, 0x800)); break;
                case 3: builder.Append((char)random.Next(0xE000, 0x10000)); break;
                case 4: builder.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000))); break;
                default: builder.Append((char)random.Next(0x20, 0x7F)); break;
            }
        }

        return builder.ToString();
    }

    // Writes JSON with random whitespace and random (but valid) escaping, so the
    // canonicalizer sees many spellings of the same value.
    private static void Serialize(object? value, StringBuilder text, Random random)
    {
        if (random.Next(4) == 0)
        {
            text.Append(" \n\t\r"[random.Next(4)]);
        }

        switch (value)
        {
            case null: text.Append("null"); break;
            case bool b: text.Append(b ? "true" : "false"); break;
            case double d:
                text.Append(random.Next(3) switch
                {
                    0 => d.ToString("E17", CultureInfo.InvariantCulture),
                    _ => d.ToString("R", CultureInfo.InvariantCulture),
                });
                break;
            case string s: SerializeString(s, text, random); break;
            case List<object?> list:
                text.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    text.Append(i > 0 ? "," : string.Empty);
                    Serialize(list[i], text, random);
                }

                text.Append(']');
                break;
            case Dictionary<string, object?> map:
                text.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, object?> pair in map.OrderBy(_ => random.Next()))
                {
                    text.Append(first ? string.Empty : ",");
                    first = false;
                    SerializeString(pair.Key, text, random);
                    text.Append(':');
                    Serialize(pair.Value, text, random);
                }

                text.Append('}');
                break;
            default:
                throw new InvalidOperationException();
        }
    }

    private static void SerializeString(string s, StringBuilder text, Random random)
    {
        text.Append('"');
        Span<char> units = stackalloc char[2];
        foreach (Rune rune in s.EnumerateRunes())
        {
            // A surrogate pair is escaped as a whole or not at all: half-escaped is not UTF-8.
            bool mustEscape = rune.Value < 0x20 || rune.Value == '"' || rune.Value == '\\';
            if (mustEscape || random.Next(5) == 0)
            {
                int count = rune.EncodeToUtf16(units);
                for (int i = 0; i < count; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\\u{(int)units[i]:X4}");
                }
            }
            else
            {
                text.Append(rune.ToString());
            }
        }

        text.Append('"');
    }
}
