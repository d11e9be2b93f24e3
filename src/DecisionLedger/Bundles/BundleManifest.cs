using DecisionLedger.Hashing;

namespace DecisionLedger.Bundles;

/// <summary>The contents of an evidence bundle's <c>manifest.json</c>.</summary>
/// <param name="Origin">The ledger's origin.</param>
/// <param name="TreeSize">The size of the checkpoint the bundle is exported against.</param>
/// <param name="RootHash">That checkpoint's root.</param>
/// <param name="Filters">The filter fields that were set, by camelCase name, as written (empty for a full export).</param>
/// <param name="CreatedAt">When the bundle was written, UTC.</param>
/// <param name="ToolVersion">The version of the tool that wrote it.</param>
/// <param name="EntryCount">The number of lines in <c>entries.jsonl</c>.</param>
/// <param name="Full">True when every entry of the tree is in the bundle (no <c>proofs.jsonl</c>).</param>
public sealed record BundleManifest(
    string Origin,
    long TreeSize,
    Sha256Hash RootHash,
    IReadOnlyDictionary<string, string> Filters,
    DateTimeOffset CreatedAt,
    string ToolVersion,
    long EntryCount,
    bool Full)
{
    /// <summary>The number of lines in <c>inputs.jsonl</c>.</summary>
    public long InputCount { get; init; }

    /// <summary>Decisions in the bundle exported without their input (erased from the ledger, or encrypted, which an auditor could not check).</summary>
    public long InputsWithheld { get; init; }

    /// <summary>The heads-map key of the chain whose completeness <c>completeness.json</c> proves (entry format 2), or null.</summary>
    public string? Completeness { get; init; }

    /// <summary>Why a filtered export of a v2 ledger carries no completeness proof, or null; not written to the manifest.</summary>
    public string? CompletenessUnavailable { get; init; }

    /// <summary>The number of cosignature lines in <c>cosigned-checkpoint</c>; 0 (not written) when the bundle has none.</summary>
    public int Cosignatures { get; init; }

    /// <summary>The names of the time-stamp authorities whose tokens are in <c>timestamps/</c> (<c>NAME.tst</c>); empty (not written) when none.</summary>
    public IReadOnlyList<string> Timestamps { get; init; } = [];
}
