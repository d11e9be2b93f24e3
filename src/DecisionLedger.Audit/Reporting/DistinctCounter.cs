using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DecisionLedger.Reporting;

/// <summary>
/// Counts distinct strings (users, subjects) exactly, holding a 64-bit fingerprint of each
/// (the first 8 bytes of its SHA-256) rather than the string: about 24 bytes per distinct value,
/// e.g. 24 MB for a million. Two different values share a fingerprint with probability about
/// n²/2⁶⁵ (under 3·10⁻⁸ for a million values), the only way the count can be off.
/// </summary>
internal sealed class DistinctCounter
{
    private readonly HashSet<ulong> _seen = [];

    /// <summary>How many distinct values were added.</summary>
    public long Count => _seen.Count;

    /// <summary>Adds <paramref name="value"/>; returns whether it was new.</summary>
    public bool Add(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> utf8 = length <= 512 ? stackalloc byte[length] : new byte[length];
        int written = Encoding.UTF8.GetBytes(value, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..written], hash);
        return _seen.Add(BinaryPrimitives.ReadUInt64LittleEndian(hash));
    }
}
