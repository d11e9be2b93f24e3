using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using DecisionLedger.Hashing;
using DecisionLedger.Heads;

namespace DecisionLedger.Benchmarks;

/// <summary>
/// <c>--hash-cpu [HASHES] [ROUNDS]</c>: process CPU per SHA-256 of one 65-byte heads-map node, by each way of computing
/// it, alternated round by round so a shared machine's load falls on all of them alike (docs/performance.md, "Entry
/// format v2: the cost of the heads commitment").
/// </summary>
internal static class HashCpu
{
    public static void Run(int hashes, int rounds)
    {
        byte[] node = new byte[65];
        node[0] = HeadsMapHasher.NodePrefix;
        using IncrementalHash reused = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        (string Name, Func<byte[], byte> Hash)[] ways =
        [
            ("ThreadSha256 (IncrementalHash reused, 2 appends)", b => (byte)ThreadSha256.Hash(b).GetHashCode()),
            ("IncrementalHash reused, 1 append", b =>
            {
                Span<byte> d = stackalloc byte[32];
                reused.AppendData(b);
                reused.GetHashAndReset(d);
                return d[0];
            }),
            ("SHA256.HashData(span, span)", b =>
            {
                Span<byte> d = stackalloc byte[32];
                SHA256.HashData(b, d);
                return d[0];
            }),
            ("ShortSha256 (libcrypto SHA256_Init/Update/Final)", b => (byte)ShortSha256.HashNative(b).GetHashCode()),
        ];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hashes:N0} SHA-256 of 65 bytes per way and round, {rounds} rounds; ShortSha256 native: {ShortSha256.IsNativeAvailable}; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        var process = Process.GetCurrentProcess();
        var results = new List<double>[ways.Length];
        for (int w = 0; w < ways.Length; w++)
        {
            results[w] = [];
        }

        for (int round = 0; round < rounds; round++)
        {
            for (int w = 0; w < ways.Length; w++)
            {
                Func<byte[], byte> hash = ways[w].Hash;
                process.Refresh();
                TimeSpan before = process.TotalProcessorTime;
                for (int i = 0; i < hashes; i++)
                {
                    node[1] = hash(node);
                }

                process.Refresh();
                results[w].Add((process.TotalProcessorTime - before).TotalMicroseconds * 1000 / hashes);
            }
        }

        for (int w = 0; w < ways.Length; w++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {ways[w].Name,-52} {string.Join(", ", results[w].Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} ns CPU per hash"));
        }
    }
}
