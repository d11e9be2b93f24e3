using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Checkpoints;

namespace DecisionLedger.Archiving;

/// <summary>
/// Rewrites archive files without chosen rows' inputs and salts: every entry, and so every leaf,
/// unchanged, a new manifest signed with the ledger's key, written at the same path. Erasure
/// (<see cref="ArchiveEraser"/>) and the retention policy's <c>inputs</c> duration both go through
/// here; the caller records the returned digests in an <c>archive-rewrite</c> event.
/// </summary>
/// <remarks>
/// Planning and writing are two steps so a caller can record what it is about to remove (an
/// <c>input-retention</c> event) between them. Each file is written before its manifest: a manifest
/// that names bytes not yet written would read as forged after a crash.
/// </remarks>
internal static class ArchiveRewriter
{
    /// <summary>Finds the files of <paramref name="reader"/>'s catalog holding an input or salt of a row <paramref name="strip"/> chooses.</summary>
    /// <param name="reader">Reads and checks the ledger's archive files.</param>
    /// <param name="strip">Chooses the rows whose input and salt go.</param>
    /// <param name="damaged">
    /// Called for a file that holds a chosen row but fails its checks (so its damage is not covered up by a
    /// rewrite): return true to leave it out of the plan, or throw.
    /// </param>
    /// <param name="include">Chooses the files worth reading; null reads every file.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>One plan per file to rewrite, by first seq.</returns>
    public static async Task<List<ArchiveRewritePlan>> PlanAsync(
        ArchiveReader reader,
        Func<ArchiveRow, bool> strip,
        Func<ArchiveFileContent, bool> damaged,
        Func<ArchiveCatalogFile, bool>? include,
        CancellationToken cancellationToken)
    {
        var plans = new List<ArchiveRewritePlan>();
        foreach (ArchiveCatalogFile file in reader.Catalog.Files)
        {
            if (include is not null && !include(file))
            {
                continue;
            }

            ArchiveFileContent content = await reader.LoadAsync(file, cancellationToken).ConfigureAwait(false);
            if (!content.Rows.Any(r => Holds(r) && strip(r)))
            {
                continue;
            }

            if (content.Problem != ArchiveFileProblem.None && damaged(content))
            {
                continue;
            }

            var seqs = new List<long>();
            ArchiveRow[] rows = [.. content.Rows.Select(r =>
            {
                if (!Holds(r) || !strip(r))
                {
                    return r;
                }

                seqs.Add(r.Seq);
                return r with { Input = null, Salt = null };
            })];
            seqs.Sort();
            plans.Add(new ArchiveRewritePlan(content, rows, seqs));
        }

        return plans;
    }

    /// <summary>Writes the planned files and their new signed manifests.</summary>
    /// <param name="reader">The reader the plans came from; it opens the destinations.</param>
    /// <param name="plans">The files to rewrite.</param>
    /// <param name="signer">The ledger's checkpoint signer; it signs the new manifests.</param>
    /// <returns>Per destination, the rewritten files (old and new digests) and the seqs whose input and salt went.</returns>
    /// <remarks>Not cancellable: a rewrite begun is finished, so the caller can record it.</remarks>
    public static async Task<IReadOnlyList<(string Destination, IReadOnlyList<ArchiveRewrittenFile> Files, IReadOnlyList<long> Seqs)>> WriteAsync(
        ArchiveReader reader,
        IReadOnlyList<ArchiveRewritePlan> plans,
        ICheckpointSigner signer)
    {
        var byDestination = new Dictionary<string, (List<ArchiveRewrittenFile> Files, List<long> Seqs)>(StringComparer.Ordinal);
        foreach (ArchiveRewritePlan plan in plans)
        {
            ArchiveCatalogFile file = plan.Content.File;
            byte[] bytes = await ArchiveParquetWriter.ToBytesAsync(plan.Rows, CancellationToken.None).ConfigureAwait(false);
            string sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
            ArchiveManifest manifest = plan.Content.Manifest! with { Sha256 = sha256 };
            IArchiveDestination destination = reader.Destination(file.Destination);
            using (var stream = new MemoryStream(bytes, writable: false))
            {
                await destination.WriteAsync(file.File, stream, CancellationToken.None).ConfigureAwait(false);
            }

            using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(ArchiveManifestNote.Sign(manifest, signer)), writable: false))
            {
                await destination.WriteAsync(file.Manifest, stream, CancellationToken.None).ConfigureAwait(false);
            }

            if (!byDestination.TryGetValue(file.Destination, out (List<ArchiveRewrittenFile> Files, List<long> Seqs) group))
            {
                group = ([], []);
                byDestination[file.Destination] = group;
            }

            group.Files.Add(new ArchiveRewrittenFile(file.File, file.Sha256, plan.Rows.Length, sha256));
            group.Seqs.AddRange(plan.Seqs);
        }

        return [.. byDestination.Select(p => (p.Key, (IReadOnlyList<ArchiveRewrittenFile>)p.Value.Files, (IReadOnlyList<long>)p.Value.Seqs))];
    }

    private static bool Holds(ArchiveRow row) => row.Input is not null || row.Salt is not null;
}
