using System.Text;
using DecisionLedger.Storage;

namespace DecisionLedger.Bundles;

/// <summary>
/// Writes what outsiders attested about a bundle's checkpoint: the cosigned checkpoint (the note as
/// signed, then each stored cosignature line) and one file per time-stamp token. Files of an earlier
/// export into the same directory are removed, so a bundle never carries attestations of another checkpoint.
/// </summary>
/// <param name="Cosignatures">The cosignature lines written.</param>
/// <param name="Timestamps">The authorities whose tokens were written, in storage order.</param>
internal sealed record BundleAttestations(int Cosignatures, IReadOnlyList<string> Timestamps)
{
    public static async ValueTask<BundleAttestations> WriteAsync(ILedgerStore store, StoredCheckpoint checkpoint, string directory, CancellationToken cancellationToken)
    {
        string cosignedPath = Path.Combine(directory, BundleFiles.CosignedCheckpoint);
        string timestampsPath = Path.Combine(directory, BundleFiles.Timestamps);
        File.Delete(cosignedPath);
        if (Directory.Exists(timestampsPath))
        {
            foreach (string stale in Directory.EnumerateFiles(timestampsPath, "*" + BundleFiles.TimestampExtension))
            {
                File.Delete(stale);
            }
        }

        IReadOnlyList<CheckpointAttestation> held = store is ICheckpointAttestationStore attestations
            ? await attestations.ReadAttestationsAsync(checkpoint.TreeSize, cancellationToken).ConfigureAwait(false)
            : [];
        var note = new StringBuilder(checkpoint.SignedNote);
        int cosignatures = 0;
        var timestamps = new List<string>();
        foreach (CheckpointAttestation attestation in held.Where(a => a.RootHash == checkpoint.RootHash))
        {
            if (attestation.Kind == CheckpointAttestationKind.Cosignature)
            {
                string line = Encoding.UTF8.GetString(attestation.Value.Span);

                // Only well-formed signature lines: one bad line would make the whole note unreadable to every verifier.
                if (line.StartsWith("\u2014 ", StringComparison.Ordinal) && line.EndsWith('\n') && line.IndexOf('\n') == line.Length - 1)
                {
                    note.Append(line);
                    cosignatures++;
                }
            }
            else if (attestation.Kind == CheckpointAttestationKind.Timestamp && IsFileName(attestation.Source) && !timestamps.Contains(attestation.Source, StringComparer.OrdinalIgnoreCase))
            {
                Directory.CreateDirectory(timestampsPath);
                await File.WriteAllBytesAsync(Path.Combine(timestampsPath, attestation.Source + BundleFiles.TimestampExtension), attestation.Value.ToArray(), cancellationToken).ConfigureAwait(false);
                timestamps.Add(attestation.Source);
            }
        }

        if (cosignatures > 0)
        {
            await File.WriteAllTextAsync(cosignedPath, note.ToString(), cancellationToken).ConfigureAwait(false);
        }

        return new BundleAttestations(cosignatures, timestamps);
    }

    // The authority name becomes a file name: the stamper only stores valid names, but the store is not trusted to.
    private static bool IsFileName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '.'
        && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-');
}
