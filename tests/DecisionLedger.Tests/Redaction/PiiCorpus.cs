using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;

namespace DecisionLedger.Tests.Redaction;

/// <summary>
/// Generates personal data of every kind the built-in detectors know, valid and invalid, from a seeded
/// <see cref="Random"/> so every run tests the same values.
/// </summary>
public sealed class PiiCorpus(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>A Luhn-valid card number (Visa 16 or 13, Mastercard 16, Amex 15), formatted plain, with spaces or with dashes.</summary>
    public string ValidCard() => FormatCard(CardDigits(valid: true));

    /// <summary>The same shapes with a wrong check digit.</summary>
    public string InvalidCard() => FormatCard(CardDigits(valid: false));

    public string ValidSsn() =>
        Ssn(PickArea(valid: true), _random.Next(1, 100), _random.Next(1, 10_000));

    public string InvalidSsn() => _random.Next(5) switch
    {
        0 => Ssn(0, _random.Next(1, 100), _random.Next(1, 10_000)),
        1 => Ssn(666, _random.Next(1, 100), _random.Next(1, 10_000)),
        2 => Ssn(_random.Next(900, 1000), _random.Next(1, 100), _random.Next(1, 10_000)),
        3 => Ssn(PickArea(valid: true), 0, _random.Next(1, 10_000)),
        _ => Ssn(PickArea(valid: true), _random.Next(1, 100), 0),
    };

    public string Email()
    {
        string local = Letters(3, 8) + (_random.Next(2) == 0 ? "." + Letters(2, 6) : "") + (_random.Next(4) == 0 ? "+" + Letters(2, 4) : "");
        string[] tlds = ["com", "de", "co.uk", "io", "org"];
        return $"{local}@{Letters(3, 10)}.{tlds[_random.Next(tlds.Length)]}";
    }

    public string Phone()
    {
        string area = Digits(1, '2') + Digits(2);
        string exchange = Digits(1, '2') + Digits(2);
        string line = Digits(4);
        return _random.Next(7) switch
        {
            0 => "+4915" + Digits(9),
            1 => "+447" + Digits(9),
            2 => "+336" + Digits(8),
            3 => $"({area}) {exchange}-{line}",
            4 => $"{area}-{exchange}-{line}",
            5 => $"+1 {area} {exchange} {line}",
            _ => $"{area}.{exchange}.{line}",
        };
    }

    public string ValidIban() => FormatIban(Iban(valid: true));

    public string InvalidIban() => FormatIban(Iban(valid: false));

    public string IPv4() => string.Join('.', Enumerable.Range(0, 4).Select(_ => _random.Next(256).ToString(CultureInfo.InvariantCulture)));

    public string InvalidIPv4() => $"{_random.Next(256, 1000)}.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(256)}";

    public string IPv6()
    {
        byte[] bytes = new byte[16];
        _random.NextBytes(bytes);
        if (_random.Next(2) == 0)
        {
            // Zeros in the middle, so the compressed '::' form appears.
            Array.Clear(bytes, 4, 8);
        }

        var address = new IPAddress(bytes);
        return _random.Next(3) == 0 ? Uncompressed(bytes) : address.ToString();
    }

    private static string Uncompressed(byte[] bytes) =>
        string.Join(':', Enumerable.Range(0, 8).Select(i => ((bytes[2 * i] << 8) | bytes[(2 * i) + 1]).ToString("x4", CultureInfo.InvariantCulture)));

    private string CardDigits(bool valid)
    {
        (string prefix, int length) = _random.Next(4) switch
        {
            0 => ("4", 16),
            1 => ("4", 13),
            2 => ("5" + _random.Next(1, 6).ToString(CultureInfo.InvariantCulture), 16),
            _ => (_random.Next(2) == 0 ? "34" : "37", 15),
        };
        string body = prefix + Digits(length - prefix.Length - 1);
        int check = LuhnCheckDigit(body);
        if (!valid)
        {
            check = (check + _random.Next(1, 10)) % 10;
        }

        return body + check.ToString(CultureInfo.InvariantCulture);
    }

    private string FormatCard(string digits)
    {
        int style = _random.Next(3);
        if (style == 0)
        {
            return digits;
        }

        char separator = style == 1 ? ' ' : '-';
        int[] groups = digits.Length switch
        {
            15 => [4, 6, 5],
            13 => [4, 3, 3, 3],
            _ => [4, 4, 4, 4],
        };
        var builder = new StringBuilder();
        int position = 0;
        foreach (int group in groups)
        {
            if (position > 0)
            {
                builder.Append(separator);
            }

            builder.Append(digits, position, group);
            position += group;
        }

        return builder.ToString();
    }

    public static int LuhnCheckDigit(string body)
    {
        int sum = 0;
        for (int i = 0; i < body.Length; i++)
        {
            int digit = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return (10 - (sum % 10)) % 10;
    }

    private string Iban(bool valid)
    {
        (string country, string bban) = _random.Next(4) switch
        {
            0 => ("DE", Digits(18)),
            1 => ("GB", UpperLetters(4) + Digits(14)),
            2 => ("FR", Digits(10) + Digits(11) + Digits(2)),
            _ => ("NL", UpperLetters(4) + Digits(10)),
        };
        int check = 98 - Mod97(bban + country + "00");
        if (!valid)
        {
            check = check == 98 ? 2 : check + 1;
        }

        return country + check.ToString("00", CultureInfo.InvariantCulture) + bban;
    }

    private string FormatIban(string compact)
    {
        if (_random.Next(2) == 0)
        {
            return compact;
        }

        return string.Join(' ', compact.Chunk(4).Select(chunk => new string(chunk)));
    }

    public static int Mod97(string text)
    {
        var digits = new StringBuilder();
        foreach (char c in text)
        {
            digits.Append(char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture));
        }

        return (int)(BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture) % 97);
    }

    private int PickArea(bool valid)
    {
        int area;
        do
        {
            area = _random.Next(1, 900);
        }
        while (valid && area == 666);
        return area;
    }

    private static string Ssn(int area, int group, int serial) =>
        string.Create(CultureInfo.InvariantCulture, $"{area:000}-{group:00}-{serial:0000}");

    private string Digits(int count, char min = '0')
    {
        var builder = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            builder.Append((char)_random.Next(min, '9' + 1));
        }

        return builder.ToString();
    }

    private string Letters(int min, int max)
    {
        int count = _random.Next(min, max + 1);
        var builder = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            builder.Append((char)_random.Next('a', 'z' + 1));
        }

        return builder.ToString();
    }

    private string UpperLetters(int count)
    {
        var builder = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            builder.Append((char)_random.Next('A', 'Z' + 1));
        }

        return builder.ToString();
    }
}
