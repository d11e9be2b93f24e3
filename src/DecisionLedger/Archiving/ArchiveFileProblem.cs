namespace DecisionLedger.Archiving;

/// <summary>What is wrong with an archive file as a whole, before its rows are looked at.</summary>
internal enum ArchiveFileProblem
{
    /// <summary>Nothing: present, readable, the committed digest, a valid manifest that agrees.</summary>
    None,

    /// <summary>The file (or its manifest) is absent from the destination.</summary>
    Missing,

    /// <summary>The bytes are not a readable archive file.</summary>
    Unreadable,

    /// <summary>The manifest's signature does not verify with the ledger's key.</summary>
    ManifestForged,

    /// <summary>The file's digest, row count or manifest disagree with what the ledger commits to.</summary>
    Mismatch,
}
