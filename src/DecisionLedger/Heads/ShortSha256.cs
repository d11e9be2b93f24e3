using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// SHA-256 of the heads map's short inputs (a chain key, a 49-byte leaf, a 65-byte node), with as little per-call
/// overhead as the platform allows: on Linux, OpenSSL's own <c>SHA256_Init/Update/Final</c> called directly on a
/// stack context; elsewhere, or when that is not available or does not hash correctly, the house's
/// <see cref="ThreadSha256"/>. The output is SHA-256 either way.
/// </summary>
/// <remarks>
/// <para>Why: a heads root costs about 8.6 SHA-256 of 49–65 bytes per decision at 1,000,000 keys, and through
/// <see cref="IncrementalHash"/> each one pays for three or four calls into the runtime's OpenSSL shim
/// (append, append, finish, re-initialise the EVP context, with SafeHandle reference counting on each), which on a
/// CPU with SHA instructions costs several times the compression itself. The low-level functions work on a
/// caller-owned 112-byte context, need no EVP dispatch, and take no GC transition
/// (<see cref="SuppressGCTransitionAttribute"/>: each call runs for well under a microsecond, never blocks and never
/// calls back). docs/performance.md, "Entry format v2: the cost of the heads commitment", has the measurements.</para>
/// <para>The low-level functions are deprecated in OpenSSL 3 but exported by every 3.x <c>libcrypto.so.3</c>, which
/// .NET itself loads on Linux. Before first use the native path hashes known inputs of every length this class is
/// used for and compares them with <see cref="SHA256.HashData(ReadOnlySpan{byte})"/>; any failure — no library, no
/// export, another answer — keeps the managed path for the life of the process.</para>
/// </remarks>
internal static class ShortSha256
{
    // sizeof(SHA256_CTX) is 112 bytes (h[8], Nl, Nh, data[16], num, md_len); twice that leaves room for any padding.
    private const int ContextWords = 56;

    /// <summary>Whether the native path works on this machine (checked once, before first use).</summary>
    public static bool IsNativeAvailable { get; } = ProbeNative();

    /// <summary>
    /// Whether <see cref="Hash"/> takes the native path: <see cref="IsNativeAvailable"/>, unless a benchmark or a test
    /// turns it off to compare the two paths (setting it true where the native path is not available has no effect).
    /// </summary>
    public static bool UseNative
    {
        get => s_useNative;
        set => s_useNative = value && IsNativeAvailable;
    }

    private static bool s_useNative = IsNativeAvailable;

    /// <summary>SHA-256 of <paramref name="data"/>.</summary>
    public static Sha256Hash Hash(ReadOnlySpan<byte> data) => s_useNative ? HashNative(data) : ThreadSha256.Hash(data);

    /// <summary>The native path alone (tests compare it with the managed one); throws where it is not available.</summary>
    internal static Sha256Hash HashNative(ReadOnlySpan<byte> data)
    {
        Span<uint> context = stackalloc uint[ContextWords];
        Span<byte> digest = stackalloc byte[Sha256Hash.Size];
        ref uint state = ref MemoryMarshal.GetReference(context);
        if (NativeMethods.Init(ref state) != 1
            || NativeMethods.Update(ref state, ref MemoryMarshal.GetReference(data), (nuint)data.Length) != 1
            || NativeMethods.Final(ref MemoryMarshal.GetReference(digest), ref state) != 1)
        {
            throw new CryptographicException("OpenSSL's SHA256_Init/Update/Final failed.");
        }

        return Sha256Hash.FromBytes(digest);
    }

    private static bool ProbeNative()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // Every length class the heads map hashes (empty, keys, one block, a leaf, a node, two full blocks), with
            // bytes that differ per length so a wrong offset or count shows.
            Span<byte> input = stackalloc byte[128];
            foreach (int length in (ReadOnlySpan<int>)[0, 1, 24, 49, 55, 56, 63, 64, 65, 119, 128])
            {
                for (int i = 0; i < length; i++)
                {
                    input[i] = (byte)((i * 131) + length);
                }

                Sha256Hash expected = Sha256Hash.FromBytes(SHA256.HashData(input[..length]));
                if (HashNative(input[..length]) != expected)
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
        private const string LibCrypto = "libcrypto.so.3";

        [DllImport(LibCrypto, EntryPoint = "SHA256_Init", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int Init(ref uint context);

        [DllImport(LibCrypto, EntryPoint = "SHA256_Update", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int Update(ref uint context, ref byte data, nuint length);

        [DllImport(LibCrypto, EntryPoint = "SHA256_Final", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [SuppressGCTransition]
        public static extern int Final(ref byte digest, ref uint context);
    }
}
