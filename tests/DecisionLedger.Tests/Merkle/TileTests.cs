using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Tests.Merkle;

public sealed class TileTests
{
    private static readonly Sha256Hash[] s_base = MerkleTestData.Leaves(Tile.Width);

    [Fact]
    public void FromBaseHashes_EveryNode_EqualsOracleRootOfItsSpan()
    {
        Tile tile = Tile.FromBaseHashes(s_base);

        for (int level = 0; level <= Tile.Height; level++)
        {
            int width = Tile.Width >> level;
            for (int index = 0; index < width; index++)
            {
                Sha256Hash expected = MerkleProofVerifier.RootFromLeaves(s_base[(index << level)..((index + 1) << level)]);
                Assert.Equal(expected, tile.GetNode(level, index));
            }
        }

        Assert.Equal(MerkleProofVerifier.RootFromLeaves(s_base), tile.Top);
        Assert.Equal(MerkleHasher.HashChildren(tile.GetNode(7, 0), tile.GetNode(7, 1)), tile.Top);
    }

    [Fact]
    public void GetBaseBytes_RoundTripsThroughFromBaseBytes()
    {
        Tile tile = Tile.FromBaseHashes(s_base);

        ReadOnlyMemory<byte> bytes = tile.GetBaseBytes();
        Tile read = Tile.FromBaseBytes(bytes.Span);

        Assert.Equal(Tile.BaseByteLength, bytes.Length);
        Assert.Equal(s_base[1].ToArray(), bytes.Span.Slice(Sha256Hash.Size, Sha256Hash.Size).ToArray());
        Assert.True(read.BaseEquals(tile));
        Assert.Equal(tile.Top, read.Top);
        Assert.Equal(tile.GetNode(3, 17), read.GetNode(3, 17));
    }

    [Fact]
    public void FromNodes_ComputedNodes_GivesSameTileWithoutRehashing()
    {
        Tile tile = Tile.FromBaseHashes(s_base);
        var nodes = new List<Sha256Hash>();
        for (int level = 0; level < Tile.Height; level++)
        {
            for (int index = 0; index < Tile.Width >> level; index++)
            {
                nodes.Add(tile.GetNode(level, index));
            }
        }

        Tile copy = Tile.FromNodes(nodes.ToArray());

        Assert.Equal(tile.Top, copy.Top);
        Assert.Equal(tile.GetNode(6, 3), copy.GetNode(6, 3));
    }

    [Fact]
    public void Factories_WrongLengths_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>("baseHashes", () => Tile.FromBaseHashes(s_base.AsSpan(0, 255)));
        Assert.Throws<ArgumentException>("baseBytes", () => Tile.FromBaseBytes(new byte[Tile.BaseByteLength - 1]));
        Assert.Throws<ArgumentException>("nodes", () => Tile.FromNodes(new Sha256Hash[511]));
        Assert.Throws<ArgumentException>("destination", () => Tile.FromBaseHashes(s_base).WriteBase(new byte[100]));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(9, 0)]
    [InlineData(0, 256)]
    [InlineData(7, 2)]
    [InlineData(8, 1)]
    [InlineData(3, -1)]
    public void GetNode_OutsideTile_ThrowsArgumentOutOfRange(int level, int index)
    {
        Tile tile = Tile.FromBaseHashes(s_base);
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => tile.GetNode(level, index));
    }
}
