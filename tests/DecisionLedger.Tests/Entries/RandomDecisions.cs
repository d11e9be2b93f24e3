using System.Globalization;
using System.Text;
using System.Text.Json;
using DecisionLedger.Decisions;
using DecisionLedger.Tests.Redaction;

namespace DecisionLedger.Tests.Entries;

/// <summary>
/// Random decisions from a fixed seed for differential tests: nested objects and arrays, keys whose UTF-16
/// order differs from their UTF-8 order, strings with escapes and surrogate pairs, numbers in every notation,
/// personal data inside strings, and the names the test policies select.
/// </summary>
internal sealed class RandomDecisions(int seed)
{
    // "\uE000" sorts after the surrogate pair in UTF-16 but before it in UTF-8; "é" vs "z", "" and "A"/"a".
    private static readonly string[] s_keys =
    [
        "a", "A", "b", "z", "é", "\\u00e9x", "\uE000", "\\ud83d\\ude00", "😀k", "", "a b", "it's", "secret", "email",
        "card", "token", "items", "ip", "note", "n1", "n10", "n2", "user", "contact", "list", "\\n",
    ];

    private static readonly string[] s_numbers =
    [
        "0", "-0", "1", "-1", "100", "1249.99", "0.5", "0.50", "1.0", "1e5", "1E5", "1e+5", "1e-7", "1.5E-7", "0.000001",
        "0.0000001", "123456789012345", "1234567890123456", "12345678901234567890", "1e21", "1e20", "9007199254740993",
        "1.7976931348623157e308", "5e-324", "-12.5e3", "3.14159265358979323846", "0.1", "2.2250738585072014E-308", "-0.0",
    ];

    private readonly Random _random = new(seed);
    private readonly PiiCorpus _pii = new(seed);

    public Decision Next()
    {
        var decision = new Decision
        {
            Model = new ModelInfo
            {
                Name = _random.Next(4) == 0 ? "other_model" : "fraud_detector",
                Version = "3.2." + _random.Next(10).ToString(CultureInfo.InvariantCulture),
                Parameters = _random.Next(3) == 0 ? Parse(Object(2)) : null,
            },
            Input = Parse(Object(4)),
            Output = Parse(Object(3)),
            Metadata = _random.Next(5) switch
            {
                0 => null,
                1 => Parse("null"),
                _ => Parse(Object(2)),
            },
            Explanation = _random.Next(3) == 0 ? null : new Explanation
            {
                Method = _random.Next(3) == 0 ? null : String(),
                BaseValue = _random.Next(2) == 0 ? null : Math.Round(_random.NextDouble(), _random.Next(1, 16)),
                Attributions = _random.Next(3) == 0 ? null : Attributions(),
            },
            Actor = _random.Next(2) == 0 ? null : new Actor { UserId = "u-" + _random.Next(100).ToString(CultureInfo.InvariantCulture), Tenant = _random.Next(2) == 0 ? null : "emea" },
            Subject = _random.Next(2) == 0 ? null : new DecisionSubject { Id = "customer-" + _random.Next(100).ToString(CultureInfo.InvariantCulture) },
            LatencyMs = _random.Next(2) == 0 ? null : _random.NextDouble() * Math.Pow(10, _random.Next(-8, 8)),
        };
        return decision;
    }

    private static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private Dictionary<string, double> Attributions()
    {
        var attributions = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string name in new[] { "amount", "zip", "é", "\uE000", "😀", "email", "Z" })
        {
            if (_random.Next(2) == 0)
            {
                attributions[name] = (_random.NextDouble() - 0.5) * Math.Pow(10, _random.Next(-9, 4));
            }
        }

        return attributions;
    }

    private string Object(int depth)
    {
        var builder = new StringBuilder("{");
        int count = _random.Next(0, 7);
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = s_keys[_random.Next(s_keys.Length)];
            using JsonDocument name = JsonDocument.Parse("\"" + key + "\"");
            if (!used.Add(name.RootElement.GetString()!))
            {
                continue;
            }

            if (builder.Length > 1)
            {
                builder.Append(',');
            }

            builder.Append('"').Append(key).Append("\":").Append(Value(depth - 1));
        }

        return builder.Append('}').ToString();
    }

    private string Value(int depth)
    {
        int pick = _random.Next(depth <= 0 ? 6 : 8);
        return pick switch
        {
            0 or 1 => JsonString(),
            2 => s_numbers[_random.Next(s_numbers.Length)],
            3 => _random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" },
            4 => JsonString(),
            5 => s_numbers[_random.Next(s_numbers.Length)],
            6 => Object(depth),
            _ => Array(depth),
        };
    }

    private string Array(int depth)
    {
        int count = _random.Next(0, 5);
        return "[" + string.Join(',', Enumerable.Range(0, count).Select(_ => Value(depth - 1))) + "]";
    }

    private string JsonString() => JsonSerializer.Serialize(String()) is var plain && _random.Next(4) == 0 ? Escaped(String()) : plain;

    private string String() => _random.Next(12) switch
    {
        0 => "jane.doe@example.com",
        1 => "call " + _pii.Phone() + " now",
        2 => _pii.ValidCard(),
        3 => "iban " + _pii.ValidIban() + " / " + _pii.InvalidIban(),
        4 => _pii.IPv4() + ", " + _pii.IPv6(),
        5 => "ssn " + _pii.ValidSsn() + " or " + _pii.InvalidSsn(),
        6 => "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        7 => "Zoë 😀 \u2028 \"q\" \\ tab\t nl\n",
        8 => _pii.InvalidCard() + " " + _pii.Email(),
        _ => "tx-" + _random.Next(1_000_000).ToString("D8", CultureInfo.InvariantCulture),
    };

    // The same text with every character escaped (\uXXXX, surrogate pairs as two escapes) or left as it is, at random.
    private string Escaped(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (char c in text)
        {
            if (c < 0x20 || c == '"' || c == '\\' || char.IsSurrogate(c) || _random.Next(3) == 0)
            {
                builder.Append("\\u").Append(((int)c).ToString(_random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }
}
