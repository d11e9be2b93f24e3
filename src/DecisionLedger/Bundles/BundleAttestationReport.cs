using DecisionLedger.Timestamping;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Bundles;

/// <summary>What <see cref="BundleAttestationVerifier"/> found: the cosignatures that met the policy, the verified time stamps, and every problem.</summary>
/// <param name="Witnessed">The checkpoint with the valid cosignatures of policy witnesses, or null when no policy was given or it was not met.</param>
/// <param name="QuorumDescription">The policy's quorum in words, or null when no policy was given.</param>
/// <param name="Timestamps">The verified tokens, by authority name, in file-name order.</param>
/// <param name="Problems">Each problem as a sentence; empty when everything asked for verified.</param>
public sealed record BundleAttestationReport(
    CosignedCheckpoint? Witnessed,
    string? QuorumDescription,
    IReadOnlyList<KeyValuePair<string, TimestampVerification>> Timestamps,
    IReadOnlyList<string> Problems)
{
    /// <summary>True when every check asked for passed.</summary>
    public bool Passed => Problems.Count == 0;
}
