using DecisionLedger.Storage;

namespace DecisionLedger.Querying;

/// <summary>One page of query results.</summary>
/// <param name="Entries">The matching entries, newest first.</param>
/// <param name="NextCursor">The opaque cursor of the next page, or null when this is the last page.</param>
public sealed record QueryPage(IReadOnlyList<StoredEntry> Entries, string? NextCursor);
