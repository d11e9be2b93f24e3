using DecisionLedger.Archiving;

namespace DecisionLedger.Retention;

/// <summary>An archive file past its <c>keep</c> that stays whole because a legal hold covers one of its decisions.</summary>
/// <param name="File">The file.</param>
/// <param name="Hold">The first hold found covering it.</param>
/// <param name="Seq">The first held decision's seq.</param>
public sealed record HeldArchiveFile(ArchiveCatalogFile File, LegalHold Hold, long Seq);
