using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>A column of a derived table and how its value follows from the entry's columns.</summary>
/// <param name="Name">The column's SQL name (e.g. <c>subject_key</c>); findings name it as <c>table.column</c>.</param>
/// <param name="Derive">
/// The value the column must hold for an entry, from the entry's <see cref="EntryColumns"/>
/// (which verification has already checked against the entry's own bytes).
/// </param>
public sealed record DerivedColumn(string Name, Func<EntryColumns, DerivedValue> Derive);
