namespace DecisionLedger.Randomness;

/// <summary>
/// Supplies random bytes (salts, request ids, keys). Production uses the operating
/// system's CSPRNG; tests inject a seeded source so hashes are reproducible.
/// </summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}
