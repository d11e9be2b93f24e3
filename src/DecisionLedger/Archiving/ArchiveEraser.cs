using System.Security.Cryptography;
using DecisionLedger.Checkpoints;

namespace DecisionLedger.Archiving;

/// <summary>
/// Carries an erasure into the archives: every archive file holding an input or salt of the erased
/// subject is rewritten without them (every entry, and so every leaf, unchanged), with a new signed
/// manifest, at the same path. The caller records the returned rewrites as an <c>archive-rewrite</c>
/// event right after the <c>erasure</c> event, so verification accepts the new digests and still
/// catches any other change.
/// </summary>
/// <remarks>
/// Files are rewritten before the events are recorded, so an erasure never claims what the archives
/// still hold. A crash between the two leaves files whose digests the ledger does not know yet:
/// <c>dledger verify</c> reports them as <c>archive-mismatch</c>, naming each file.
/// </remarks>
public static class ArchiveEraser
{
    /// <summary>Rewrites the files of <paramref name="reader"/>'s catalog that hold inputs of the subject.</summary>
    /// <param name="reader">Reads the ledger's archive files; each is checked before it is rewritten.</param>
    /// <param name="subjectValues">The values of the archive's <c>subject</c> column that name the subject: its id (v1 rows) and its ref (v2 rows).</param>
    /// <param name="signer">The ledger's checkpoint signer; it signs the new manifests.</param>
    /// <param name="cancellationToken">Cancels before the first file is written.</param>
    /// <returns>Per destination, the rewritten files (old and new digests); empty when no archive holds an input of the subject.</returns>
    /// <exception cref="ArchiveIntegrityException">A file to rewrite fails its checks: it is not rewritten, so the damage is not covered up.</exception>
    public static async Task<IReadOnlyList<(string Destination, IReadOnlyList<ArchiveRewrittenFile> Files, IReadOnlyList<long> Seqs)>> RewriteAsync(
        ArchiveReader reader,
        IReadOnlyCollection<string> subjectValues,
        ICheckpointSigner signer,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(subjectValues);
        ArgumentNullException.ThrowIfNull(signer);
        var plans = new List<(ArchiveFileContent Content, ArchiveRow[] Rows, List<long> Seqs)>();
        foreach (ArchiveCatalogFile file in reader.Catalog.Files)
        {
            ArchiveFileContent content = await reader.LoadAsync(file, cancellationToken).ConfigureAwait(false);
            if (!content.Rows.Any(r => Holds(r, subjectValues)))
            {
                continue;
            }

            if (content.Problem != ArchiveFileProblem.None)
            {
                throw new ArchiveIntegrityException($"{content.Detail} It holds inputs of the subject to erase, but is not rewritten while it fails its checks; run 'dledger verify' and restore it first.");
            }

            var seqs = new List<long>();
            ArchiveRow[] rows = [.. content.Rows.Select(r =>
            {
                if (!Holds(r, subjectValues))
                {
                    return r;
                }

                seqs.Add(r.Seq);
                return r with { Input = null, Salt = null };
            })];
            plans.Add((content, rows, seqs));
        }

        var byDestination = new Dictionary<string, (List<ArchiveRewrittenFile> Files, List<long> Seqs)>(StringComparer.Ordinal);
        foreach ((ArchiveFileContent content, ArchiveRow[] rows, List<long> seqs) in plans)
        {
            ArchiveCatalogFile file = content.File;
            byte[] bytes = await ArchiveParquetWriter.ToBytesAsync(rows, CancellationToken.None).ConfigureAwait(false);
            string sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            ArchiveManifest manifest = content.Manifest! with { Sha256 = sha256 };
            IArchiveDestination destination = reader.Destination(file.Destination);

            // The file first: a manifest that names bytes not yet written would read as forged after a crash.
            using (var stream = new MemoryStream(bytes, writable: false))
            {
                await destination.WriteAsync(file.File, stream, CancellationToken.None).ConfigureAwait(false);
            }

            using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(ArchiveManifestNote.Sign(manifest, signer)), writable: false))
            {
                await destination.WriteAsync(file.Manifest, stream, CancellationToken.None).ConfigureAwait(false);
            }

            if (!byDestination.TryGetValue(file.Destination, out (List<ArchiveRewrittenFile> Files, List<long> Seqs) group))
            {
                group = ([], []);
                byDestination[file.Destination] = group;
            }

            group.Files.Add(new ArchiveRewrittenFile(file.File, file.Sha256, rows.Length, sha256));
            group.Seqs.AddRange(seqs);
        }

        return [.. byDestination.Select(p => (p.Key, (IReadOnlyList<ArchiveRewrittenFile>)p.Value.Files, (IReadOnlyList<long>)p.Value.Seqs))];
    }

    private static bool Holds(ArchiveRow row, IReadOnlyCollection<string> subjectValues) =>
        row.Subject is { } subject && subjectValues.Contains(subject) && (row.Input is not null || row.Salt is not null);
}
