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
        List<ArchiveRewritePlan> plans = await ArchiveRewriter.PlanAsync(
            reader,
            r => r.Subject is { } subject && subjectValues.Contains(subject),
            content => throw new ArchiveIntegrityException($"{content.Detail} It holds inputs of the subject to erase, but is not rewritten while it fails its checks; run 'dledger verify' and restore it first."),
            null,
            cancellationToken).ConfigureAwait(false);
        return await ArchiveRewriter.WriteAsync(reader, plans, signer).ConfigureAwait(false);
    }
}
