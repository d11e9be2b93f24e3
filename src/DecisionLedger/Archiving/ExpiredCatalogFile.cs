namespace DecisionLedger.Archiving;

/// <summary>An archive file the ledger deleted by its retention policy: its commitment as it stood, and the <c>archive-expiry</c> event that expired it.</summary>
/// <param name="File">The file as the ledger committed to it before it expired.</param>
/// <param name="ExpiryEventSeq">The seq of the <c>archive-expiry</c> event that lists it.</param>
/// <param name="ExpiredAt">The timestamp of that event: when the file was deleted.</param>
public sealed record ExpiredCatalogFile(ArchiveCatalogFile File, long ExpiryEventSeq, DateTimeOffset ExpiredAt)
{
    /// <summary>Whether <paramref name="seq"/> lies in the file's seq span.</summary>
    /// <param name="seq">The seq.</param>
    /// <returns>True inside [first, last].</returns>
    public bool Spans(long seq) => seq >= File.FirstSeq && seq <= File.LastSeq;

    /// <summary>Says what happened to a seq whose body was in the file, for <c>show</c>, <c>export</c> and reports.</summary>
    /// <param name="seq">The seq.</param>
    /// <returns>The sentence.</returns>
    public string Describe(long seq) =>
        $"The body of seq {seq} was deleted by the retention policy on {ExpiredAt.UtcDateTime:yyyy-MM-dd} (archive-expiry event seq {ExpiryEventSeq}): its archive file {File.File} in {File.Destination} passed its 'keep' duration. Its leaf stays in the ledger's Merkle tree, which still proves the entry existed.";
}
