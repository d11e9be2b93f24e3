namespace DecisionLedger.Querying;

/// <summary>Settings of <see cref="LedgerQuery"/>.</summary>
public sealed record LedgerQueryOptions
{
    /// <summary>
    /// From this many entries on, a query whose <c>where</c> predicates are not narrowed by any
    /// indexed filter is refused unless the caller allows a scan. Default 100 000.
    /// </summary>
    public long ScanThreshold { get; init; } = 100_000;

    /// <summary>How messages name the where parameter (<c>--where</c> in the CLI, <c>where</c> in the API). Default <c>--where</c>.</summary>
    public string WhereParameter { get; init; } = "--where";

    /// <summary>How messages name the cursor parameter. Default <c>--cursor</c>.</summary>
    public string CursorParameter { get; init; } = "--cursor";

    /// <summary>How messages name the allow-scan switch. Default <c>--allow-scan</c>.</summary>
    public string AllowScanParameter { get; init; } = "--allow-scan";

    /// <summary>The example of an indexed filter messages suggest. Default <c>--model NAME, or --from and --to</c>.</summary>
    public string IndexedFilterExample { get; init; } = "--model NAME, or --from and --to";
}
