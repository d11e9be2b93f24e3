using DecisionLedger.Archiving;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Retention;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// The archive half of <c>dledger erase</c>: refuses while a legal hold covers an archived decision of
/// the subject, rewrites the archive files that hold its inputs (<see cref="ArchiveEraser"/>), and records
/// the new digests in an <c>archive-rewrite</c> entry right after the erasure entry.
/// </summary>
internal sealed class ArchiveErasure
{
    private readonly IReadOnlyList<(string Destination, IReadOnlyList<ArchiveRewrittenFile> Files, IReadOnlyList<long> Seqs)> _rewrites;

    private ArchiveErasure(IReadOnlyList<(string Destination, IReadOnlyList<ArchiveRewrittenFile> Files, IReadOnlyList<long> Seqs)> rewrites)
    {
        _rewrites = rewrites;
    }

    /// <summary>The archive files rewritten.</summary>
    public int Files => _rewrites.Sum(r => r.Files.Count);

    /// <summary>The archived decisions whose input and salt were removed.</summary>
    public int Rows => _rewrites.Sum(r => r.Seqs.Count);

    /// <summary>Checks the holds and rewrites the files; nothing is rewritten when a hold stands.</summary>
    /// <exception cref="CliException">A legal hold covers an archived decision of the subject, or a file to rewrite fails its checks.</exception>
    public static async Task<ArchiveErasure> RewriteAsync(LedgerSession session, ArchiveBackedLedgerStore view, string subject, CancellationToken cancellationToken)
    {
        if (view.Catalog.IsEmpty)
        {
            return new ArchiveErasure([]);
        }

        // Archived v2 rows name the subject by its ref, which erasure is about to delete: resolve it first.
        IReadOnlyDictionary<string, string> refs = await view.GetSubjectRefsAsync([subject], cancellationToken);
        HashSet<string> values = [subject];
        if (refs.TryGetValue(subject, out string? subjectRef))
        {
            values.Add(subjectRef);
        }

        RetentionPolicy policy = RetentionCommand.LoadPolicy(session.Directory, null);
        try
        {
            await foreach (ArchivedEntry entry in view.Archives.FindBySubjectAsync(values, cancellationToken))
            {
                if (policy.HoldOn(entry.Seq, entry.Row.Model, subject) is { } hold)
                {
                    throw new CliException(ExitCodes.BadInput, $"--subject: refused; the legal hold {hold.Describe()} covers the archived decision seq {entry.Seq} about '{subject}' in {entry.File.File}, so its archived input may not be deleted. Nothing was erased; lift the hold in the retention policy first.");
                }
            }

            return new ArchiveErasure(await ArchiveEraser.RewriteAsync(view.Archives, values, session.Directory.Signer, cancellationToken));
        }
        catch (ArchiveIntegrityException e)
        {
            throw ArchiveView.Untrusted(e);
        }
    }

    /// <summary>Records one <c>archive-rewrite</c> entry per destination, naming the erasure entry.</summary>
    public async Task RecordAsync(DecisionRecorder recorder, long erasureSeq, int entryFormat)
    {
        foreach ((string destination, IReadOnlyList<ArchiveRewrittenFile> files, _) in _rewrites)
        {
            await recorder.RecordEventAsync(LedgerEvent.ForArchiveRewrite(new ArchiveRewriteEvent(destination, erasureSeq, files), entryFormat), CancellationToken.None);
        }
    }
}
