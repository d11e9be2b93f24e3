using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Cli.Commands;

/// <summary>The proof status of one entry, as <c>show</c> reports it.</summary>
/// <param name="State">Verified, not yet checkpointed, or failed.</param>
/// <param name="TreeSize">The checkpoint's tree size, when there is one.</param>
/// <param name="Root">The signed root, when the checkpoint verified.</param>
/// <param name="Inclusion">The inclusion proof, when one was computed.</param>
/// <param name="Detail">A sentence for people.</param>
internal sealed record ProofStatus(ProofState State, long? TreeSize, Sha256Hash? Root, InclusionProof? Inclusion, string Detail);
