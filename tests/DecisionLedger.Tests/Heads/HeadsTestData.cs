using DecisionLedger.Heads;

namespace DecisionLedger.Tests.Heads;

/// <summary>Deterministic chain keys and heads for the heads-map tests.</summary>
internal static class HeadsTestData
{
    /// <summary>A subject key with a ref drawn from <paramref name="random"/>, as the sequencer makes them.</summary>
    public static string SubjectKey(Random random)
    {
        byte[] bytes = new byte[16];
        random.NextBytes(bytes);
        return ChainKeys.Subject(Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
    }

    public static ChainHead Head(Random random) => new(random.NextInt64(0, 1L << 40), random.NextInt64(1, 1L << 20));

    /// <summary>A map of <paramref name="count"/> subject keys and a few model keys.</summary>
    public static Dictionary<string, ChainHead> Contents(int count, int seed)
    {
        var random = new Random(seed);
        var contents = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            contents[i % 10 == 0 ? ChainKeys.Model($"model-{i}") : SubjectKey(random)] = Head(random);
        }

        return contents;
    }

    public static HeadsMap Filled(IReadOnlyDictionary<string, ChainHead> contents)
    {
        var map = new HeadsMap();
        foreach ((string key, ChainHead head) in contents)
        {
            map.Set(key, head);
        }

        map.ComputeRoot();
        return map;
    }

    /// <summary>Two keys whose hashes share at least the first <paramref name="bits"/> bits (found by search, deterministic).</summary>
    public static (string First, string Second) KeysSharingPrefix(int bits)
    {
        var seen = new Dictionary<uint, string>();
        for (int i = 0; ; i++)
        {
            string key = $"s:prefix-{i}";
            byte[] hash = NaiveHeadsMap.KeyHash(key);
            uint prefix = (uint)((hash[0] << 24) | (hash[1] << 16) | (hash[2] << 8) | hash[3]) >> (32 - bits);
            if (seen.TryGetValue(prefix, out string? other))
            {
                return (other, key);
            }

            seen[prefix] = key;
        }
    }
}
