using System.Buffers.Binary;
using System.Security.Cryptography;

namespace DecisionLedger.Hashing;

/// <summary>
/// A SHA-256 digest held by value: 32 bytes, no allocation, ordinal equality.
/// </summary>
/// <remarks>
/// Merkle trees hold millions of these; a value type keeps them in contiguous arrays and
/// makes equality a four-word compare.
/// </remarks>
public readonly struct Sha256Hash : IEquatable<Sha256Hash>
{
    /// <summary>The size of a SHA-256 digest in bytes (32).</summary>
    public const int Size = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    private Sha256Hash(ulong a, ulong b, ulong c, ulong d)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
    }

    /// <summary>Reads a digest from exactly 32 bytes.</summary>
    /// <param name="bytes">The digest bytes, big-endian as SHA-256 emits them.</param>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public static Sha256Hash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A SHA-256 hash is {Size} bytes; got {bytes.Length}.", nameof(bytes));
        }

        return new Sha256Hash(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    /// <summary>Parses 64 hexadecimal characters (either case).</summary>
    /// <exception cref="FormatException">The text is not 64 hexadecimal characters.</exception>
    public static Sha256Hash FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != Size * 2)
        {
            throw new FormatException($"A SHA-256 hash is {Size * 2} hexadecimal characters; got {hex.Length}.");
        }

        return FromBytes(Convert.FromHexString(hex));
    }

    /// <summary>Parses the standard base64 encoding of 32 bytes.</summary>
    /// <exception cref="FormatException">The text is not base64 of 32 bytes.</exception>
    public static Sha256Hash FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        Span<byte> buffer = stackalloc byte[Size + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out int written) || written != Size)
        {
            throw new FormatException("A SHA-256 hash in base64 must decode to exactly 32 bytes.");
        }

        return FromBytes(buffer[..Size]);
    }

    /// <summary>Computes SHA-256 of <paramref name="data"/>.</summary>
    public static Sha256Hash Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Size];
        SHA256.HashData(data, digest);
        return FromBytes(digest);
    }

    /// <summary>Writes the 32 digest bytes to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than 32 bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"The destination must hold {Size} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>Returns the digest as a new 32-byte array.</summary>
    public byte[] ToArray()
    {
        byte[] bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Lowercase hexadecimal, as used in entries (<c>inputDigest</c>) and reports.</summary>
    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Standard base64, as used in checkpoints and proofs.</summary>
    public string ToBase64()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToBase64String(bytes);
    }

    /// <inheritdoc />
    public bool Equals(Sha256Hash other) =>
        _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Sha256Hash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>Lowercase hexadecimal.</summary>
    public override string ToString() => ToHex();

    /// <summary>Ordinal equality.</summary>
    public static bool operator ==(Sha256Hash left, Sha256Hash right) => left.Equals(right);

    /// <summary>Ordinal inequality.</summary>
    public static bool operator !=(Sha256Hash left, Sha256Hash right) => !left.Equals(right);
}
