namespace DecisionLedger.Cli.Import;

/// <summary>What one import run read and did. <see cref="Read"/> = <see cref="Imported"/> + <see cref="Duplicates"/> + <see cref="Bad"/>.</summary>
internal sealed class ImportSummary
{
    /// <summary>Records read from the source.</summary>
    public long Read { get; set; }

    /// <summary>Records recorded as decisions (with <c>--dry-run</c>: that would be).</summary>
    public long Imported { get; set; }

    /// <summary>Records skipped: their request id is in the ledger already, or earlier in the source.</summary>
    public long Duplicates { get; set; }

    /// <summary>Records refused; each is in <see cref="Problems"/>.</summary>
    public long Bad => Problems.Count;

    /// <summary>Of the imported, KServe decisions built from one half alone.</summary>
    public long Unpaired { get; set; }

    /// <summary>Every refused record, in source order.</summary>
    public List<ImportProblem> Problems { get; } = [];
}
