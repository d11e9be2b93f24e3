namespace DecisionLedger.Verification;

/// <summary>A row of a derived table that belongs to no entry, as <see cref="IDerivedTable.FindStrayRowAsync"/> found it.</summary>
/// <param name="Seq">The <c>seq</c> the row is filed under (or the value of the state that is wrong).</param>
/// <param name="Column">The <c>table.column</c> at fault (e.g. <c>entry_index.seq</c>).</param>
/// <param name="Detail">A sentence saying what is wrong and what it breaks.</param>
public sealed record DerivedRowProblem(long Seq, string Column, string Detail);
