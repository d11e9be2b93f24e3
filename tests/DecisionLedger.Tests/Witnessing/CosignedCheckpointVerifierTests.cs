using DecisionLedger.Checkpoints;
using DecisionLedger.Merkle;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Tests.Witnessing;

public sealed class CosignedCheckpointVerifierTests
{
    private static readonly DateTimeOffset s_time = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
    private readonly WitnessFixture _log = new();
    private readonly MerkleTree _tree = WitnessFixture.TreeOf(12);
    private readonly WitnessSigner[] _witnesses = [WitnessFixture.Witness(1, "w1.example"), WitnessFixture.Witness(2, "w2.example"), WitnessFixture.Witness(3, "w3.example")];

    private WitnessPolicy TwoOfThree() => WitnessPolicy.Threshold(2, _witnesses.Select(w => w.Verifier));

    private string Cosigned(long size, params WitnessSigner[] by)
    {
        string note = _log.SignedCheckpoint(_tree, size);
        string body = SignedNoteFormat.Parse(note).Text;
        return note + string.Concat(by.Select(w => w.Cosign(body, s_time)));
    }

    [Fact]
    public void Verify_TwoOfThreeCosigned_ReturnsTheCheckpointAndCosigners()
    {
        CosignedCheckpoint verified = CosignedCheckpointVerifier.Verify(Cosigned(12, _witnesses[0], _witnesses[2]), _log.LogKey.Verifier, TwoOfThree());

        Assert.Equal(12, verified.Checkpoint.Size);
        Assert.Equal(["w1.example", "w3.example"], verified.Cosignatures.Select(c => c.Witness.Name));
    }

    [Fact]
    public void Verify_OneOfThree_ThrowsNamingTheQuorum()
    {
        var e = Assert.Throws<WitnessQuorumException>(() =>
            CosignedCheckpointVerifier.Verify(Cosigned(12, _witnesses[1]), _log.LogKey.Verifier, TwoOfThree()));

        Assert.Contains("2 of (w1.example, w2.example, w3.example)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UnknownWitnessCosignatures_AreIgnoredAndDoNotCount()
    {
        WitnessSigner stranger = WitnessFixture.Witness(99, "stranger.example");

        Assert.Throws<WitnessQuorumException>(() =>
            CosignedCheckpointVerifier.Verify(Cosigned(12, _witnesses[0], stranger), _log.LogKey.Verifier, TwoOfThree()));
    }

    [Fact]
    public void Verify_CosignatureCopiedFromAnotherCheckpoint_Throws()
    {
        string other = Cosigned(11, _witnesses[0], _witnesses[1]);
        string copiedLines = other[(other.LastIndexOf("\n\n", StringComparison.Ordinal) + 2)..];
        string stolen = _log.SignedCheckpoint(_tree, 12) + string.Concat(copiedLines.Split('\n')[1..]
            .Where(l => l.Length > 0).Select(l => l + "\n"));

        var e = Assert.Throws<WitnessQuorumException>(() => CosignedCheckpointVerifier.Verify(stolen, _log.LogKey.Verifier, TwoOfThree()));

        Assert.Contains("not a valid cosignature/v1 of this checkpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_LogSignatureMissing_ThrowsNoteVerification()
    {
        string body = SignedNoteFormat.Parse(_log.SignedCheckpoint(_tree, 12)).Text;
        string onlyWitnesses = body + "\n" + _witnesses[0].Cosign(body, s_time) + _witnesses[1].Cosign(body, s_time);

        var e = Assert.Throws<NoteVerificationException>(() => CosignedCheckpointVerifier.Verify(onlyWitnesses, _log.LogKey.Verifier, TwoOfThree()));

        Assert.Equal(NoteVerificationFailure.NoKnownSignature, e.Reason);
    }
}
