namespace DecisionLedger.Verification;

/// <summary>
/// A store that keeps, beside its entries table, tables whose rows are derived from the entries
/// (an index filled after the commit, a table that keeps request ids unique), so verification can
/// check every such row against the entry it was derived from.
/// </summary>
/// <remarks>
/// Such rows are outside every hash: editing one leaves every leaf and signed root intact, yet
/// queries, lookups and erasure that go through the table give wrong answers. Caches that are a
/// set union over many entries (a field catalog) are not derived rows of one entry and are not
/// listed here.
/// </remarks>
public interface IDerivedTableStore
{
    /// <summary>The store's tables derived from entries; empty when it keeps none.</summary>
    IReadOnlyList<IDerivedTable> DerivedTables { get; }
}
