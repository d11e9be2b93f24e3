using System.Globalization;
using System.Text;

namespace DecisionLedger.Witnessing;

/// <summary>
/// The bytes an Ed25519 <c>cosignature/v1</c> signs (c2sp.org/tlog-cosignature): a header line,
/// a timestamp line, then the whole checkpoint body, kept in one place so the cosigner and the
/// verifier cannot drift apart.
/// </summary>
internal static class CosignatureMessage
{
    /// <summary>Signature type byte of Ed25519 cosignatures, used in key IDs and verifier keys.</summary>
    public const byte SignatureType = 0x04;

    /// <summary>Length of the decoded signature after the key ID: an 8-byte timestamp and a 64-byte Ed25519 signature.</summary>
    public const int TimestampedSignatureSize = 8 + 64;

    /// <summary>The signed message for <paramref name="checkpointBody"/> at POSIX time <paramref name="timestamp"/>.</summary>
    /// <param name="checkpointBody">The note text of the checkpoint, including its final newline, without signature lines.</param>
    /// <param name="timestamp">Seconds since the epoch; 0 to 2^63-1.</param>
    public static byte[] Build(string checkpointBody, long timestamp) =>
        Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"cosignature/v1\ntime {timestamp}\n{checkpointBody}"));
}
