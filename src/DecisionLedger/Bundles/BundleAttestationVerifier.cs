using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Timestamping;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Bundles;

/// <summary>
/// Checks, offline, what outsiders attested about an evidence bundle's checkpoint: with a witness
/// policy, that the bundle's cosigned checkpoint is that same checkpoint and carries a quorum of valid
/// cosignatures (c2sp.org/tlog-cosignature); with TSA roots, that every RFC 3161 token in
/// <c>timestamps/</c> is over that checkpoint, verifies and chains to a given root. Run it after
/// <see cref="EvidenceBundleVerifier"/> passed: it trusts the <c>checkpoint</c> file's signature is checked.
/// </summary>
public static class BundleAttestationVerifier
{
    /// <summary>Verifies the bundle's attestations.</summary>
    /// <param name="directory">The bundle directory.</param>
    /// <param name="verifierKey">The ledger's verifier key string, obtained independently of the bundle.</param>
    /// <param name="policy">The witnesses to trust and the quorum, or null not to check cosignatures.</param>
    /// <param name="tsaRoots">The TSA roots to trust, or null not to check time stamps.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The report; <see cref="BundleAttestationReport.Problems"/> names every problem found.</returns>
    /// <exception cref="FormatException"><paramref name="verifierKey"/> is not a verifier key string.</exception>
    /// <exception cref="FileNotFoundException">The bundle has no <c>checkpoint</c>.</exception>
    public static async ValueTask<BundleAttestationReport> VerifyAsync(string directory, string verifierKey, WitnessPolicy? policy, X509Certificate2Collection? tsaRoots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(verifierKey);
        NoteVerifier logKey = NoteVerifier.Parse(verifierKey.Trim());
        string note = await File.ReadAllTextAsync(Path.Combine(directory, BundleFiles.Checkpoint), cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        CosignedCheckpoint? witnessed = null;
        if (policy is not null)
        {
            witnessed = await CheckCosignaturesAsync(directory, note, logKey, policy, problems, cancellationToken).ConfigureAwait(false);
        }

        var timestamps = new List<KeyValuePair<string, TimestampVerification>>();
        if (tsaRoots is not null)
        {
            await CheckTimestampsAsync(directory, note, tsaRoots, timestamps, problems, cancellationToken).ConfigureAwait(false);
        }

        return new BundleAttestationReport(witnessed, policy?.QuorumDescription, timestamps, problems);
    }

    private static async ValueTask<CosignedCheckpoint?> CheckCosignaturesAsync(string directory, string note, NoteVerifier logKey, WitnessPolicy policy, List<string> problems, CancellationToken cancellationToken)
    {
        string path = Path.Combine(directory, BundleFiles.CosignedCheckpoint);
        string cosigned = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : note;
        string text;
        try
        {
            text = SignedNoteFormat.Parse(note).Text;
            if (SignedNoteFormat.Parse(cosigned).Text != text)
            {
                problems.Add($"{BundleFiles.CosignedCheckpoint} is not the bundle's checkpoint: its signed text differs from {BundleFiles.Checkpoint}, so its cosignatures say nothing about this bundle.");
                return null;
            }
        }
        catch (FormatException e)
        {
            problems.Add($"{BundleFiles.CosignedCheckpoint} is not a signed note ({e.Message}).");
            return null;
        }

        try
        {
            return CosignedCheckpointVerifier.Verify(cosigned, logKey, policy);
        }
        catch (NoteVerificationException e)
        {
            problems.Add($"{BundleFiles.CosignedCheckpoint} does not verify with the ledger's key '{logKey.Name}': {e.Message}");
        }
        catch (WitnessQuorumException e)
        {
            problems.Add(e.Message + " " + DescribeWitnesses(text, cosigned, policy));
        }

        return null;
    }

    /// <summary>Names, per policy witness, whether its cosignature is valid, invalid or missing.</summary>
    private static string DescribeWitnesses(string text, string cosigned, WitnessPolicy policy)
    {
        IReadOnlyList<NoteSignature> lines = SignedNoteFormat.Parse(cosigned).Signatures;
        var valid = new List<string>();
        var invalid = new List<string>();
        var missing = new List<string>();
        foreach (PolicyWitness witness in policy.Witnesses)
        {
            NoteSignature[] own = [.. lines.Where(witness.Verifier.Matches)];
            if (own.Length == 0)
            {
                missing.Add(witness.Name);
            }
            else if (own.All(line => witness.Verifier.Verify(text, line, out _)))
            {
                valid.Add(witness.Name);
            }
            else
            {
                invalid.Add(witness.Name);
            }
        }

        return $"Valid: {List(valid)}; invalid (not over this checkpoint, or altered): {List(invalid)}; missing: {List(missing)}.";

        static string List(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static async ValueTask CheckTimestampsAsync(string directory, string note, X509Certificate2Collection roots, List<KeyValuePair<string, TimestampVerification>> verified, List<string> problems, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(directory, BundleFiles.Timestamps);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (string file in Directory.EnumerateFiles(folder, "*" + BundleFiles.TimestampExtension))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
        }

        // The (unsigned) manifest lists the authorities: a token it names but the folder lacks was deleted.
        foreach (string listed in await ManifestTimestampsAsync(directory, cancellationToken).ConfigureAwait(false))
        {
            if (!names.Contains(listed))
            {
                problems.Add($"The manifest lists a time-stamp token from '{listed}' but {BundleFiles.Timestamps}/{listed}{BundleFiles.TimestampExtension} is missing.");
            }
        }

        if (names.Count == 0)
        {
            problems.Add($"The bundle carries no time-stamp token ({BundleFiles.Timestamps}/*{BundleFiles.TimestampExtension}), so nothing outside the ledger attests when its checkpoint existed; export it again once the ledger's time-stamp authorities have stamped the checkpoint, or drop --tsa-roots.");
            return;
        }

        foreach (string name in names)
        {
            string file = $"{BundleFiles.Timestamps}/{name}{BundleFiles.TimestampExtension}";
            byte[] token = await File.ReadAllBytesAsync(Path.Combine(directory, file), cancellationToken).ConfigureAwait(false);
            try
            {
                verified.Add(new(name, TimestampTokenVerifier.Verify(token, note, roots)));
            }
            catch (TimestampVerificationException e)
            {
                problems.Add($"{file} ({e.Reason}): {e.Message}");
            }
        }
    }

    private static async ValueTask<IReadOnlyList<string>> ManifestTimestampsAsync(string directory, CancellationToken cancellationToken)
    {
        string path = Path.Combine(directory, BundleFiles.Manifest);
        if (!File.Exists(path))
        {
            return [];
        }

        using JsonDocument manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        return manifest.RootElement.TryGetProperty("timestamps", out JsonElement list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];
    }
}
