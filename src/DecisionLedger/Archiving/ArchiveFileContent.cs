namespace DecisionLedger.Archiving;

/// <summary>
/// One archive file as read back: its rows (when readable), the digest of its bytes, its manifest,
/// and the first thing wrong with it as a whole (<see cref="ArchiveFileProblem"/>).
/// </summary>
internal sealed class ArchiveFileContent
{
    public ArchiveFileContent(ArchiveCatalogFile file, IReadOnlyList<ArchiveRow> rows, string? sha256, ArchiveManifest? manifest, ArchiveFileProblem problem, string? detail)
    {
        File = file;
        Rows = rows;
        Sha256 = sha256;
        Manifest = manifest;
        Problem = problem;
        Detail = detail;
        Sorted = true;
        for (int i = 1; i < rows.Count; i++)
        {
            if (rows[i].Seq <= rows[i - 1].Seq)
            {
                Sorted = false;
                FirstOutOfOrder = i;
                break;
            }
        }
    }

    /// <summary>The file, as the ledger commits to it.</summary>
    public ArchiveCatalogFile File { get; }

    /// <summary>The rows in file order; empty when the file is missing or unreadable.</summary>
    public IReadOnlyList<ArchiveRow> Rows { get; }

    /// <summary>The lowercase hex SHA-256 of the bytes read, or null when the file is missing.</summary>
    public string? Sha256 { get; }

    /// <summary>The manifest, when present and signed by the ledger's key (or not checked).</summary>
    public ArchiveManifest? Manifest { get; }

    /// <summary>The first problem with the file as a whole.</summary>
    public ArchiveFileProblem Problem { get; }

    /// <summary>The sentence describing <see cref="Problem"/>, or null.</summary>
    public string? Detail { get; }

    /// <summary>Whether the rows' seqs strictly increase in file order.</summary>
    public bool Sorted { get; }

    /// <summary>The index of the first row whose seq does not exceed the one before, or -1.</summary>
    public int FirstOutOfOrder { get; } = -1;

    /// <summary>Whether only the digest (or row count) differs: every row may still be intact, which the rows' own checks tell.</summary>
    public bool DigestOnly { get; init; }

    /// <summary>The index of the first row with seq ≥ <paramref name="seq"/> (rows sorted), or the row count.</summary>
    public int LowerBound(long seq)
    {
        int low = 0;
        int high = Rows.Count;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (Rows[mid].Seq < seq)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>The index of the row holding <paramref name="seq"/>, or -1.</summary>
    public int IndexOf(long seq)
    {
        if (Sorted)
        {
            int at = LowerBound(seq);
            return at < Rows.Count && Rows[at].Seq == seq ? at : -1;
        }

        for (int i = 0; i < Rows.Count; i++)
        {
            if (Rows[i].Seq == seq)
            {
                return i;
            }
        }

        return -1;
    }
}
