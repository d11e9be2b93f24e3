namespace DecisionLedger.Randomness;

/// <summary>
/// A deterministic random source for tests and reproducible demos. Never use it for
/// production salts or keys: its output is predictable from the seed.
/// </summary>
public sealed class SeededRandomSource : IRandomSource
{
    private readonly Random _random;
    private readonly Lock _gate = new();

    /// <summary>Creates a source whose sequence is fixed by <paramref name="seed"/>.</summary>
    public SeededRandomSource(int seed)
    {
#pragma warning disable CA5394 // Deliberately insecure: reproducibility is the point.
        _random = new Random(seed);
#pragma warning restore CA5394
    }

    /// <inheritdoc />
    public void Fill(Span<byte> destination)
    {
        lock (_gate)
        {
#pragma warning disable CA5394
            _random.NextBytes(destination);
#pragma warning restore CA5394
        }
    }
}
