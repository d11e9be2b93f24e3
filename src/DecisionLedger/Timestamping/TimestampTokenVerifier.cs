using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace DecisionLedger.Timestamping;

/// <summary>
/// Checks an RFC 3161 time-stamp token over a checkpoint, offline: the token is over SHA-256 of the
/// checkpoint's signed note, its signature verifies, and its signer's certificate chains to one of
/// the roots the verifier trusts, with the critical time-stamping extended key usage RFC 3161 requires.
/// </summary>
public static class TimestampTokenVerifier
{
    /// <summary>The OID of SHA-256.</summary>
    internal const string Sha256Oid = "2.16.840.1.101.3.4.2.1";

    /// <summary>The OID of the <c>id-kp-timeStamping</c> extended key usage.</summary>
    internal const string TimeStampingOid = "1.3.6.1.5.5.7.3.8";

    /// <summary>The bytes a checkpoint's token is over: SHA-256 of the signed note's UTF-8 bytes, exactly as the ledger stored it.</summary>
    /// <param name="signedNote">The checkpoint's signed note (without cosignature lines).</param>
    /// <returns>The 32-byte hash.</returns>
    public static byte[] CheckpointHash(string signedNote)
    {
        ArgumentNullException.ThrowIfNull(signedNote);
        return SHA256.HashData(Encoding.UTF8.GetBytes(signedNote));
    }

    /// <summary>Verifies <paramref name="token"/> as a time stamp of <paramref name="signedNote"/>.</summary>
    /// <param name="token">The DER token.</param>
    /// <param name="signedNote">The checkpoint's signed note, as the ledger stored it.</param>
    /// <param name="roots">The TSA roots the verifier trusts; the system store is never consulted.</param>
    /// <returns>The attested time and the signer.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="TimestampVerificationException">The token is unreadable, over another hash, badly signed, or not from a trusted authority.</exception>
    public static TimestampVerification Verify(ReadOnlyMemory<byte> token, string signedNote, X509Certificate2Collection roots)
    {
        ArgumentNullException.ThrowIfNull(signedNote);
        ArgumentNullException.ThrowIfNull(roots);
        if (!Rfc3161TimestampToken.TryDecode(token, out Rfc3161TimestampToken? decoded, out int consumed) || consumed != token.Length)
        {
            throw new TimestampVerificationException("unreadable", "The file is not a DER-encoded RFC 3161 time-stamp token.");
        }

        Rfc3161TimestampTokenInfo info = decoded.TokenInfo;
        byte[] expected = CheckpointHash(signedNote);
        if (info.HashAlgorithmId.Value != Sha256Oid || !info.GetMessageHash().Span.SequenceEqual(expected))
        {
            throw new TimestampVerificationException("hash-mismatch", $"The token is over {(info.HashAlgorithmId.Value == Sha256Oid ? "SHA-256" : info.HashAlgorithmId.Value)} {Convert.ToHexStringLower(info.GetMessageHash().Span)}, not over this checkpoint (SHA-256 {Convert.ToHexStringLower(expected)}): it time-stamps something else.");
        }

        if (!decoded.VerifySignatureForHash(expected, HashAlgorithmName.SHA256, out X509Certificate2? signer, extraCandidates: null) || signer is null)
        {
            throw new TimestampVerificationException("bad-signature", "The token's signature does not verify, or the token does not carry its signer's certificate.");
        }

        using (signer)
        {
            CheckTimeStampingUsage(signer);
            SignedCms cms = decoded.AsSignedCms();
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.ExtraStore.AddRange(cms.Certificates);
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(TimeStampingOid));

            // Offline by design; and the token was valid when made, so the chain is judged at the attested time.
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = info.Timestamp.UtcDateTime;
            if (!chain.Build(signer))
            {
                string why = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
                throw new TimestampVerificationException("untrusted", $"The token's signer '{signer.Subject}' does not chain to a trusted TSA root ({why}).");
            }

            return new TimestampVerification(info.Timestamp, signer.Subject, info.PolicyId.Value ?? string.Empty, Convert.ToHexString(info.GetSerialNumber().Span));
        }
    }

    private static void CheckTimeStampingUsage(X509Certificate2 signer)
    {
        // RFC 3161, section 2.3: the TSA's certificate has exactly one extended key usage, timeStamping, marked critical.
        X509EnhancedKeyUsageExtension? usage = signer.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (usage is null || !usage.Critical || usage.EnhancedKeyUsages.Count != 1 || usage.EnhancedKeyUsages[0].Value != TimeStampingOid)
        {
            throw new TimestampVerificationException("untrusted", $"The token's signer '{signer.Subject}' is not a time-stamping certificate: RFC 3161 requires a critical extended key usage of timeStamping alone.");
        }
    }
}
