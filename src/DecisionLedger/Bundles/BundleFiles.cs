namespace DecisionLedger.Bundles;

/// <summary>The file names of an evidence bundle (DESIGN.md, "CLI and evidence bundle").</summary>
internal static class BundleFiles
{
    public const string Checkpoint = "checkpoint";
    public const string Key = "key.vkey";
    public const string Entries = "entries.jsonl";
    public const string Inputs = "inputs.jsonl";
    public const string Proofs = "proofs.jsonl";
    public const string Manifest = "manifest.json";
}
