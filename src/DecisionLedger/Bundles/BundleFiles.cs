namespace DecisionLedger.Bundles;

/// <summary>The file names of an evidence bundle directory (format.md, section 7, "The evidence bundle").</summary>
/// <remarks>
/// Public on purpose: the bundle writer (package DecisionLedger.Audit) and the offline verifier here must name the
/// same files, and a tool that handles bundles can use them instead of repeating the strings.
/// </remarks>
public static class BundleFiles
{
    /// <summary>The signed checkpoint note the bundle was exported against.</summary>
    public const string Checkpoint = "checkpoint";

    /// <summary>The ledger's verifier key string, one line.</summary>
    public const string Key = "key.vkey";

    /// <summary>The exported entries' canonical bytes, one per line, in ascending <c>seq</c>.</summary>
    public const string Entries = "entries.jsonl";

    /// <summary>The held plaintext inputs of the exported decisions (<c>seq</c>, <c>salt</c>, <c>input</c>), one per line.</summary>
    public const string Inputs = "inputs.jsonl";

    /// <summary>One inclusion proof per exported entry; present only in a filtered export.</summary>
    public const string Proofs = "proofs.jsonl";

    /// <summary>The manifest: origin, tree size, root hash, filters, counts.</summary>
    public const string Manifest = "manifest.json";

    /// <summary>The completeness proof of a subject's or a model's chain (entry format 2); present only when exported with one.</summary>
    public const string Completeness = "completeness.json";

    /// <summary>The exported subject's id and ref, <c>{"id":…,"ref":…}</c> (entry format 2); present only in a subject export.</summary>
    public const string Subject = "subject.json";

    /// <summary>
    /// The checkpoint note with the witness cosignature lines the ledger holds for it appended (a C2SP cosigned
    /// checkpoint); present only when the ledger holds cosignatures. <see cref="Checkpoint"/> stays the note as signed.
    /// </summary>
    public const string CosignedCheckpoint = "cosigned-checkpoint";

    /// <summary>The folder of RFC 3161 time-stamp tokens over the checkpoint, one <c>NAME.tst</c> (DER) per authority.</summary>
    public const string Timestamps = "timestamps";

    /// <summary>The extension of a time-stamp token file in <see cref="Timestamps"/>.</summary>
    public const string TimestampExtension = ".tst";
}
