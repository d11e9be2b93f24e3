using System.Security.Cryptography;

namespace DecisionLedger.Randomness;

/// <summary>The operating system's cryptographically secure random number generator.</summary>
public sealed class CryptographicRandomSource : IRandomSource
{
    /// <summary>The shared instance; it holds no state.</summary>
    public static CryptographicRandomSource Instance { get; } = new();

    private CryptographicRandomSource()
    {
    }

    /// <inheritdoc />
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
