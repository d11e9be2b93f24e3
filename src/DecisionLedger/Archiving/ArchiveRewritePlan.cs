namespace DecisionLedger.Archiving;

/// <summary>One archive file to rewrite without some inputs and salts: the file as read and checked, its rows as they will be written, and the seqs whose input and salt go.</summary>
/// <param name="Content">The file as read back and checked (<see cref="ArchiveReader"/>).</param>
/// <param name="Rows">Its rows in file order, with the chosen rows' <c>input</c> and <c>salt</c> set to null.</param>
/// <param name="Seqs">The seqs whose input and salt are removed, ascending.</param>
internal sealed record ArchiveRewritePlan(ArchiveFileContent Content, ArchiveRow[] Rows, IReadOnlyList<long> Seqs);
