namespace DecisionLedger.Cli.Commands;

/// <summary>Whether an entry is proven in a signed checkpoint.</summary>
internal enum ProofState
{
    /// <summary>The inclusion proof reaches the signed root of the latest checkpoint.</summary>
    Verified,

    /// <summary>The entry is newer than the latest checkpoint.</summary>
    NotCheckpointed,

    /// <summary>The entry, the checkpoint or the proof does not verify: tampering.</summary>
    Failed,
}
