using System.Buffers.Binary;
using System.Numerics;
using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// A key hash as four big-endian words, so bit tests, prefix lengths and ordering are word
/// operations rather than byte loops.
/// </summary>
internal readonly struct KeyBits : IEquatable<KeyBits>, IComparable<KeyBits>
{
    public const int BitCount = 256;

    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private KeyBits(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    public static KeyBits From(in Sha256Hash hash)
    {
        Span<byte> bytes = stackalloc byte[Sha256Hash.Size];
        hash.CopyTo(bytes);
        return new KeyBits(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    public Sha256Hash ToHash()
    {
        Span<byte> bytes = stackalloc byte[Sha256Hash.Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], _w3);
        return Sha256Hash.FromBytes(bytes);
    }

    /// <summary>Bit <paramref name="index"/> (0 = the most significant bit of the first byte).</summary>
    public int Bit(int index) => (int)((Word(index >> 6) >> (63 - (index & 63))) & 1);

    /// <summary>How many leading bits the two keys share (256 when equal).</summary>
    public int CommonPrefixLength(in KeyBits other)
    {
        ulong x = _w0 ^ other._w0;
        if (x != 0)
        {
            return BitOperations.LeadingZeroCount(x);
        }

        x = _w1 ^ other._w1;
        if (x != 0)
        {
            return 64 + BitOperations.LeadingZeroCount(x);
        }

        x = _w2 ^ other._w2;
        if (x != 0)
        {
            return 128 + BitOperations.LeadingZeroCount(x);
        }

        x = _w3 ^ other._w3;
        return x != 0 ? 192 + BitOperations.LeadingZeroCount(x) : BitCount;
    }

    public int CompareTo(KeyBits other)
    {
        int c = _w0.CompareTo(other._w0);
        if (c != 0)
        {
            return c;
        }

        c = _w1.CompareTo(other._w1);
        if (c != 0)
        {
            return c;
        }

        c = _w2.CompareTo(other._w2);
        return c != 0 ? c : _w3.CompareTo(other._w3);
    }

    public bool Equals(KeyBits other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is KeyBits other && Equals(other);

    // The words are SHA-256 output, already uniform; mixing them again buys nothing.
    public override int GetHashCode() => (int)_w3 ^ (int)(_w3 >> 32);

    private ulong Word(int index) => index switch
    {
        0 => _w0,
        1 => _w1,
        2 => _w2,
        _ => _w3,
    };
}
