using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Tests.Witnessing;

/// <summary>A log key, a Merkle tree of numbered leaves and helpers that sign its checkpoints.</summary>
internal sealed class WitnessFixture
{
    public const string Origin = "decisionledger.example/fraud";

    public Ed25519NoteSigner LogKey { get; } = Ed25519NoteSigner.Generate(Origin, new SeededRandomSource(7));

    public MerkleTree Tree { get; } = MerkleTree.CreateEmpty(new InMemoryTileStore());

    public static WitnessSigner Witness(int seed, string name = "witness.example/w1") => WitnessSigner.Generate(name, new SeededRandomSource(seed));

    public static MerkleTree TreeOf(int size, string salt = "")
    {
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        for (int i = 0; i < size; i++)
        {
            tree.Append(Sha256Hash.Compute(System.Text.Encoding.UTF8.GetBytes($"leaf {i}{salt}")));
        }

        return tree;
    }

    public string SignedCheckpoint(MerkleTree tree, long size, Ed25519NoteSigner? key = null) =>
        CheckpointNote.Sign(new Checkpoint(Origin, size, tree.GetRootAsync(size).AsTask().GetAwaiter().GetResult()), key ?? LogKey);

    public string Request(MerkleTree tree, long oldSize, long size, Ed25519NoteSigner? key = null)
    {
        IReadOnlyList<Sha256Hash> proof = oldSize == 0 || oldSize == size
            ? []
            : tree.ProveConsistencyAsync(oldSize, size).AsTask().GetAwaiter().GetResult().Hashes;
        return new AddCheckpointRequest(oldSize, proof, SignedCheckpoint(tree, size, key)).ToBody();
    }
}
