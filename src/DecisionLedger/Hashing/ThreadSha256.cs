using System.Security.Cryptography;

namespace DecisionLedger.Hashing;

/// <summary>
/// SHA-256 on a reused per-thread hash object, for the hot paths (leaf, node, input digest).
/// </summary>
/// <remarks>
/// On Linux, <see cref="IncrementalHash.CreateHash"/> and the one-shot helpers allocate and free
/// an OpenSSL digest context per call, which costs more than hashing a 1 KB entry; one context
/// per thread, reset after each digest, removes that. Output is identical.
/// </remarks>
internal static class ThreadSha256
{
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>SHA-256 of <paramref name="first"/> followed by <paramref name="second"/>.</summary>
    public static Sha256Hash Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        IncrementalHash sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(first);
        sha.AppendData(second);
        Span<byte> digest = stackalloc byte[Sha256Hash.Size];
        sha.GetHashAndReset(digest);
        return Sha256Hash.FromBytes(digest);
    }

    /// <summary>SHA-256 of <paramref name="data"/>.</summary>
    public static Sha256Hash Hash(ReadOnlySpan<byte> data) => Hash(data, []);
}
