namespace DecisionLedger.Archiving;

/// <summary>The rows of one future archive file: one model, one UTC month, sorted by seq.</summary>
/// <param name="Model">The model, or <see langword="null"/> for entries without one.</param>
/// <param name="Month">The UTC month, <c>yyyy-MM</c>.</param>
/// <param name="Rows">The rows, by seq.</param>
public sealed record ArchivePlanGroup(string? Model, string Month, IReadOnlyList<ArchiveRow> Rows)
{
    /// <summary>The file's relative path.</summary>
    public string File => ArchivePaths.FilePath(Model, Month, Rows[0].Seq, Rows[^1].Seq);

    /// <summary>The bytes of entry bodies, inputs and salts in the group.</summary>
    public long Bytes => Rows.Sum(r => (long)r.Entry.Length + (r.Input?.Length ?? 0) + (r.Salt?.Length ?? 0));
}
