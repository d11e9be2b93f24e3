using System.Buffers.Binary;
using DecisionLedger.Randomness;

namespace DecisionLedger.Hashing;

/// <summary>
/// RFC 9562 UUID version 7: a 48-bit Unix millisecond timestamp followed by random bits, so
/// request ids sort by time and stay reproducible when the clock and random source are fixed.
/// </summary>
internal static class Uuid7
{
    /// <summary>Creates a UUIDv7 in the lowercase canonical 8-4-4-4-12 form.</summary>
    /// <param name="timestamp">The time to embed; only whole milliseconds since the Unix epoch are kept.</param>
    /// <param name="random">The source of the 74 random bits.</param>
    /// <returns>A 36-character string such as <c>0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestamp"/> is before 1970-01-01 or beyond the 48-bit millisecond range.</exception>
    public static string Create(DateTimeOffset timestamp, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        long milliseconds = timestamp.ToUnixTimeMilliseconds();
        if (milliseconds is < 0 or > 0xFFFF_FFFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(
                nameof(timestamp), timestamp, "A UUIDv7 holds milliseconds since 1970-01-01 in 48 bits; use a timestamp between 1970 and the year 10889.");
        }

        Span<byte> bytes = stackalloc byte[16];
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, milliseconds);
        time[2..].CopyTo(bytes);
        random.Fill(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));

        // Big-endian so the bytes appear in the text in RFC 9562 order; "D" is lowercase 8-4-4-4-12.
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
