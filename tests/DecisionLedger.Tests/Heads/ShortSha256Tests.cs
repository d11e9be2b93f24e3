using System.Security.Cryptography;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;

namespace DecisionLedger.Tests.Heads;

/// <summary>
/// The heads map's low-overhead SHA-256 (<see cref="ShortSha256"/>): the native path is SHA-256 for every length, and the
/// map's root is the same through either path.
/// </summary>
public sealed class ShortSha256Tests
{
    [Fact]
    public void NativePath_OnLinux_IsAvailable()
    {
        // The machines this project builds and benchmarks on are Linux with libcrypto.so.3 (.NET needs it there); if the
        // probe fails here the heads map silently pays the managed path's overhead again, which this test makes visible.
        if (OperatingSystem.IsLinux())
        {
            Assert.True(ShortSha256.IsNativeAvailable);
        }
    }

    [Fact]
    public void HashNative_EveryLengthUpTo300_IsSha256()
    {
        if (!ShortSha256.IsNativeAvailable)
        {
            return; // the native path exists on Linux only; elsewhere the map hashes through ThreadSha256
        }

        var random = new Random(14);
        for (int length = 0; length <= 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Sha256Hash.FromBytes(SHA256.HashData(data)), ShortSha256.HashNative(data));
        }
    }

    [Fact]
    public void HeadsMapHasher_NodeLeafAndKey_AreTheFormatsBytes()
    {
        var random = new Random(15);
        byte[] left = new byte[32], right = new byte[32];
        random.NextBytes(left);
        random.NextBytes(right);
        Assert.Equal(Sha256Hash.FromBytes(SHA256.HashData([0x01, .. left, .. right])), HeadsMapHasher.NodeHash(Sha256Hash.FromBytes(left), Sha256Hash.FromBytes(right)));
        Assert.Equal(MerkleHasher.HashChildren(Sha256Hash.FromBytes(left), Sha256Hash.FromBytes(right)), HeadsMapHasher.NodeHash(Sha256Hash.FromBytes(left), Sha256Hash.FromBytes(right)));
        byte[] leaf = [0x00, .. left, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x03];
        Assert.Equal(Sha256Hash.FromBytes(SHA256.HashData(leaf)), HeadsMapHasher.LeafHash(Sha256Hash.FromBytes(left), 0x0102, 3));
        Assert.Equal(Sha256Hash.FromBytes(SHA256.HashData("s:AAAAAAAAAAAAAAAAAAAAAA"u8)), HeadsMapHasher.KeyHash("s:AAAAAAAAAAAAAAAAAAAAAA"));
        string longModel = "m:" + new string('é', 300);
        Assert.Equal(Sha256Hash.FromBytes(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(longModel))), HeadsMapHasher.KeyHash(longModel));
    }
}
