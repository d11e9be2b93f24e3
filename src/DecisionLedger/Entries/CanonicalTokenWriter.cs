using System.Buffers;
using System.Globalization;
using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;

namespace DecisionLedger.Entries;

/// <summary>
/// The scalar tokens and member punctuation of the canonical entry form: keys, digests, timestamps, integers,
/// finite numbers and optional strings, each written exactly as RFC 8785 would print it.
/// </summary>
internal static class CanonicalTokenWriter
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Writes a digest as a quoted lowercase hex string.</summary>
    public static void WriteDigest(IBufferWriter<byte> output, Sha256Hash digest)
    {
        Span<byte> raw = stackalloc byte[Sha256Hash.Size];
        digest.CopyTo(raw);
        Span<byte> destination = output.GetSpan((2 * Sha256Hash.Size) + 2);
        destination[0] = (byte)'"';
        Convert.TryToHexStringLower(raw, destination[1..], out int written);
        destination[written + 1] = (byte)'"';
        output.Advance(written + 2);
    }

    /// <summary>Writes a timestamp as a quoted UTC RFC 3339 string with six fraction digits.</summary>
    public static void WriteTimestamp(IBufferWriter<byte> output, DateTimeOffset timestamp)
    {
        Span<byte> destination = output.GetSpan(32);
        destination[0] = (byte)'"';
        timestamp.UtcDateTime.TryFormat(destination[1..], out int written, TimestampFormat, CultureInfo.InvariantCulture);
        destination[written + 1] = (byte)'"';
        output.Advance(written + 2);
    }

    // Integers within ±2^53 print the same as ECMAScript would print them as doubles.
    public static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        Span<byte> destination = output.GetSpan(20);
        value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    /// <summary>Writes a finite number as RFC 8785 prints it; refuses NaN and infinities naming <paramref name="field"/>.</summary>
    public static void Number(IBufferWriter<byte> output, double value, string field)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                $"Entry field '{field}' is {value.ToString(CultureInfo.InvariantCulture)}; JSON holds only finite numbers. Omit the value or record it as finite.",
                field);
        }

        JsonCanonicalizer.WriteNumber(value, output);
    }

    /// <summary>Writes <paramref name="key"/> and the string, or nothing when <paramref name="value"/> is null.</summary>
    public static void OptionalString(IBufferWriter<byte> output, ref bool first, ReadOnlySpan<byte> key, string? value)
    {
        if (value is null)
        {
            return;
        }

        Key(output, ref first, key);
        JsonCanonicalizer.WriteString(value, output);
    }

    /// <summary>Writes a member's quoted key and colon, after a comma unless it is the first member.</summary>
    public static void Key(IBufferWriter<byte> output, ref bool first, ReadOnlySpan<byte> quotedKeyAndColon)
    {
        if (!first)
        {
            WriteRaw(output, ","u8);
        }

        first = false;
        WriteRaw(output, quotedKeyAndColon);
    }

    /// <summary>Writes bytes already in canonical form.</summary>
    public static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
