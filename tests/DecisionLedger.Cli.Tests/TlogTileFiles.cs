using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Reads a directory in the C2SP tlog-tiles layout and recomputes the tree root from its tiles alone, with plain
/// SHA-256 (RFC 6962 §2.1), independently of the ledger's Merkle code.
/// </summary>
internal sealed class TlogTileFiles(string directory)
{
    /// <summary>The root of the first <paramref name="size"/> leaves, from the hash tiles.</summary>
    public byte[] Root(long size) => size == 0 ? SHA256.HashData([]) : Subtree(0, size);

    /// <summary>The entries of an entry bundle file, split at their big-endian uint16 length prefixes.</summary>
    public IReadOnlyList<byte[]> Entries(string relativePath)
    {
        byte[] bundle = File.ReadAllBytes(Path.Combine(directory, relativePath));
        var entries = new List<byte[]>();
        for (int at = 0; at < bundle.Length;)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(at));
            entries.Add(bundle.AsSpan(at + 2, length).ToArray());
            at += 2 + length;
        }

        return entries;
    }

    /// <summary>The hashes of a hash tile file.</summary>
    public IReadOnlyList<byte[]> Hashes(string relativePath) =>
        File.ReadAllBytes(Path.Combine(directory, relativePath)).Chunk(32).ToList();

    /// <summary>RFC 6962 leaf hash: SHA-256(0x00 ‖ entry).</summary>
    public static byte[] LeafHash(byte[] entry) => SHA256.HashData([0, .. entry]);

    private static byte[] NodeHash(byte[] left, byte[] right) => SHA256.HashData([1, .. left, .. right]);

    // MTH(D[lo:hi]) of RFC 6962, taking whole aligned subtrees from the tiles.
    private byte[] Subtree(long lo, long hi)
    {
        long width = hi - lo;
        if (BitOperations.IsPow2(width) && lo % width == 0)
        {
            return Node(BitOperations.Log2((ulong)width), lo / width);
        }

        long split = (long)BitOperations.RoundUpToPowerOf2((ulong)width) / 2;
        return NodeHash(Subtree(lo, lo + split), Subtree(lo + split, hi));
    }

    // The node at tree-level `level`, index `index`: read from a tile at every eighth level, hashed in between.
    private byte[] Node(int level, long index)
    {
        if (level % 8 != 0)
        {
            return NodeHash(Node(level - 1, 2 * index), Node(level - 1, (2 * index) + 1));
        }

        string tile = Path.Combine(directory, "tile", (level / 8).ToString(CultureInfo.InvariantCulture), (index / 256).ToString("D3", CultureInfo.InvariantCulture));
        string file = File.Exists(tile)
            ? tile
            : Directory.EnumerateFiles(tile + ".p").Single();
        byte[] bytes = File.ReadAllBytes(file);
        int position = (int)(index % 256);
        Assert.True((position + 1) * 32 <= bytes.Length, $"{file} has no hash at position {position}");
        return bytes.AsSpan(position * 32, 32).ToArray();
    }
}
