using System.Globalization;

namespace DecisionLedger.Canonicalization;

/// <summary>
/// Numbers as RFC 8785 §3.2.2.3 prints them (ECMAScript <c>Number.prototype.toString</c>), and the test that
/// lets a number token already in that form be copied instead of going through a double.
/// </summary>
internal static class CanonicalNumberFormat
{
    /// <summary>
    /// True when a JSON number token is already what <see cref="JsonCanonicalizer.WriteNumber"/> would print for
    /// its value, so it can be copied: plain notation (<c>-?(0|[1-9]d*)(.d*[1-9])?</c>, no
    /// exponent, no trailing fraction zero, not <c>-0</c>), at most 15 digits after any leading
    /// zeros, and not below 1e-6. Any decimal of at most 15 significant digits survives the
    /// round trip through a double (DBL_DIG), and two such decimals never share a double, so
    /// the shortest round-tripping digits ECMAScript prints are these very digits; below 1e-6
    /// it switches to exponent notation. Everything else takes the double path.
    /// </summary>
    public static bool IsCanonicalText(ReadOnlySpan<byte> text)
    {
        int i = 0;
        if (!text.IsEmpty && text[0] == (byte)'-')
        {
            i = 1;
        }

        if (i >= text.Length)
        {
            return false;
        }

        int digits = 0;
        bool zeroInteger = text[i] == (byte)'0';
        if (zeroInteger)
        {
            i++;
        }
        else
        {
            for (; i < text.Length && char.IsAsciiDigit((char)text[i]); i++)
            {
                digits++;
            }

            if (digits == 0)
            {
                return false;
            }
        }

        if (i == text.Length)
        {
            // An integer: "0" is canonical, "-0" prints as "0".
            return !(zeroInteger && text[0] == (byte)'-') && digits <= 15;
        }

        if (text[i] != (byte)'.')
        {
            return false;
        }

        i++;
        int fractionStart = i;
        int leadingZeros = 0;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            if (zeroInteger && digits == 0 && c == (byte)'0')
            {
                leadingZeros++;
            }
            else
            {
                digits++;
            }
        }

        // "1." is not JSON and "0.50" is not canonical; 0.000001 is the smallest plain value.
        return i > fractionStart && text[^1] != (byte)'0' && digits <= 15 && leadingZeros <= 5;
    }

    // .NET's "R" already yields the shortest round-tripping digits; only the layout (where the point
    // goes, when to use an exponent, "e+21" rather than "E+21") differs, so this re-lays those digits out.
    /// <summary>Writes finite <paramref name="value"/> into <paramref name="destination"/> (32 bytes suffice) as ECMAScript prints it; returns the length.</summary>
    public static int Format(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            // Covers -0, which ECMAScript prints as "0".
            destination[0] = (byte)'0';
            return 1;
        }

        Span<byte> formatted = stackalloc byte[32];
        value.TryFormat(formatted, out int formattedLength, "R", CultureInfo.InvariantCulture);
        formatted = formatted[..formattedLength];

        Span<byte> digits = stackalloc byte[32];
        int digitCount = 0;
        int integerDigits = 0;
        bool seenPoint = false;
        int exponent = 0;
        int leadingZeros = 0;
        int position = formatted[0] == (byte)'-' ? 1 : 0;
        for (; position < formatted.Length; position++)
        {
            byte c = formatted[position];
            if (c == (byte)'.')
            {
                seenPoint = true;
            }
            else if (c is (byte)'E' or (byte)'e')
            {
                exponent = int.Parse(formatted[(position + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                if (!seenPoint)
                {
                    integerDigits++;
                }

                if (digitCount == 0 && c == (byte)'0')
                {
                    leadingZeros++;
                }
                else
                {
                    digits[digitCount++] = c;
                }
            }
        }

        while (digits[digitCount - 1] == (byte)'0')
        {
            digitCount--;
        }

        // ECMAScript's k and n: value = 0.d1…dk × 10^n.
        int k = digitCount;
        int n = integerDigits + exponent - leadingZeros;
        int w = 0;
        if (value < 0)
        {
            destination[w++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            digits[..k].CopyTo(destination[w..]);
            w += k;
            destination.Slice(w, n - k).Fill((byte)'0');
            w += n - k;
        }
        else if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(destination[w..]);
            w += n;
            destination[w++] = (byte)'.';
            digits[n..k].CopyTo(destination[w..]);
            w += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            destination[w++] = (byte)'0';
            destination[w++] = (byte)'.';
            destination.Slice(w, -n).Fill((byte)'0');
            w += -n;
            digits[..k].CopyTo(destination[w..]);
            w += k;
        }
        else
        {
            destination[w++] = digits[0];
            if (k > 1)
            {
                destination[w++] = (byte)'.';
                digits[1..k].CopyTo(destination[w..]);
                w += k - 1;
            }

            destination[w++] = (byte)'e';
            int e = n - 1;
            destination[w++] = e < 0 ? (byte)'-' : (byte)'+';
            Math.Abs(e).TryFormat(destination[w..], out int expLength, default, CultureInfo.InvariantCulture);
            w += expLength;
        }

        return w;
    }
}
