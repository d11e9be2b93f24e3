namespace DecisionLedger.Ledger;

/// <summary>The contents of a ledger directory's <c>ledger.json</c>.</summary>
public sealed record LedgerConfig
{
    /// <summary>The directory layout version this code writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The checkpoint origin line.</summary>
    public required string Origin { get; init; }

    /// <summary>
    /// Whether recorders opened on this directory encrypt stored inputs under per-subject keys
    /// (<c>LedgerOptions.EncryptInputs</c>; the master key comes from <c>DLEDGER_MASTER_KEY</c>). Default false.
    /// </summary>
    public bool EncryptInputs { get; init; }

    /// <summary>
    /// The entry format recorders opened on this directory write (<c>LedgerOptions.EntryFormat</c>): 1 or 2.
    /// Default 1. Key <c>entryFormat</c>; <c>dledger init --entry-format 2</c> sets it, and setting it to 2 on an
    /// existing v1 ledger switches it at the next recorder start.
    /// </summary>
    public int EntryFormat { get; init; } = 1;

    /// <summary>The directory layout version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;
}
