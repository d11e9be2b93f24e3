using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Witnessing;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Witnessing;

public sealed class CheckpointWitnessTests
{
    private readonly WitnessFixture _log = new();
    private readonly WitnessSigner _signer = WitnessFixture.Witness(11);
    private readonly InMemoryWitnessStateStore _state = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_780_000_000));
    private readonly MerkleTree _tree = WitnessFixture.TreeOf(20);

    private CheckpointWitness Witness() => new(_signer, [_log.LogKey.Verifier], _state, _time);

    [Fact]
    public async Task AddCheckpoint_FirstFromZero_CosignsAndRecordsTheCheckpoint()
    {
        WitnessResponse response = await Witness().AddCheckpointAsync(_log.Request(_tree, 0, 8));

        Assert.Equal(200, response.StatusCode);
        string cosigned = _log.SignedCheckpoint(_tree, 8) + response.Body;
        CosignedCheckpoint verified = CosignedCheckpointVerifier.Verify(cosigned, _log.LogKey.Verifier, WitnessPolicy.Threshold(1, [_signer.Verifier]));
        Assert.Equal(8, verified.Checkpoint.Size);
        Assert.Equal(_time.GetUtcNow(), verified.Cosignatures[0].Timestamp);
        Assert.Equal(8, (await _state.GetLatestAsync(WitnessFixture.Origin))!.Size);
    }

    [Fact]
    public async Task AddCheckpoint_WithValidConsistencyProof_Advances()
    {
        CheckpointWitness witness = Witness();
        await witness.AddCheckpointAsync(_log.Request(_tree, 0, 5));

        WitnessResponse response = await witness.AddCheckpointAsync(_log.Request(_tree, 5, 13));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(13, (await _state.GetLatestAsync(WitnessFixture.Origin))!.Size);
        WitnessResponse monitor = await witness.GetCheckpointAsync(CheckpointWitness.OriginHash(WitnessFixture.Origin));
        Assert.Equal(_log.SignedCheckpoint(_tree, 13) + response.Body, monitor.Body);
    }

    [Fact]
    public async Task AddCheckpoint_SameCheckpointAgain_CosignsAgain()
    {
        CheckpointWitness witness = Witness();
        await witness.AddCheckpointAsync(_log.Request(_tree, 0, 5));

        Assert.Equal(200, (await witness.AddCheckpointAsync(_log.Request(_tree, 5, 5))).StatusCode);
    }

    [Fact]
    public async Task AddCheckpoint_UnknownOrigin_Returns404()
    {
        var other = Ed25519NoteSigner.Generate("other.example/log", new SeededRandomSource(3));
        string note = CheckpointNote.Sign(new Checkpoint("other.example/log", 1, Sha256Hash.Compute([1])), other);

        WitnessResponse response = await Witness().AddCheckpointAsync(new AddCheckpointRequest(0, [], note).ToBody());

        Assert.Equal(404, response.StatusCode);
        Assert.Contains("other.example/log", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCheckpoint_SignedByAnotherKeyWithTheOrigin_Returns403()
    {
        var impostor = Ed25519NoteSigner.Generate(WitnessFixture.Origin, new SeededRandomSource(666));

        WitnessResponse response = await Witness().AddCheckpointAsync(_log.Request(_tree, 0, 4, impostor));

        Assert.Equal(403, response.StatusCode);
        Assert.Null(await _state.GetLatestAsync(WitnessFixture.Origin));
    }

    [Fact]
    public async Task AddCheckpoint_LogSignatureInvalid_Returns403()
    {
        string body = _log.Request(_tree, 0, 4).Replace("\n4\n", "\n3\n", StringComparison.Ordinal);

        Assert.Equal(403, (await Witness().AddCheckpointAsync(body)).StatusCode);
    }

    [Fact]
    public async Task AddCheckpoint_MalformedBody_Returns400NamingTheLine()
    {
        WitnessResponse response = await Witness().AddCheckpointAsync("old 01\n\n" + _log.SignedCheckpoint(_tree, 4));

        Assert.Equal(400, response.StatusCode);
        Assert.Contains("Line 1", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCheckpoint_OldSizeAboveCheckpointSize_Returns400()
    {
        string body = new AddCheckpointRequest(9, [], _log.SignedCheckpoint(_tree, 4)).ToBody();

        Assert.Equal(400, (await Witness().AddCheckpointAsync(body)).StatusCode);
    }

    [Fact]
    public async Task AddCheckpoint_StaleOldSize_Returns409WithTheWitnessSize()
    {
        CheckpointWitness witness = Witness();
        await witness.AddCheckpointAsync(_log.Request(_tree, 0, 10));

        WitnessResponse response = await witness.AddCheckpointAsync(_log.Request(_tree, 5, 12));

        Assert.Equal(409, response.StatusCode);
        Assert.Equal("10\n", response.Body);
        Assert.Equal("text/x.tlog.size", response.ContentType);
    }

    [Fact]
    public async Task AddCheckpoint_RollbackToSmallerTree_Returns409()
    {
        CheckpointWitness witness = Witness();
        await witness.AddCheckpointAsync(_log.Request(_tree, 0, 10));

        WitnessResponse response = await witness.AddCheckpointAsync(_log.Request(_tree, 0, 6));

        Assert.Equal(409, response.StatusCode);
        Assert.Equal("10\n", response.Body);
        Assert.Equal(10, (await _state.GetLatestAsync(WitnessFixture.Origin))!.Size);
    }

    [Fact]
    public async Task AddCheckpoint_ConsistencyProofFromAnotherHistory_Returns422()
    {
        CheckpointWitness witness = Witness();
        await witness.AddCheckpointAsync(_log.Request(_tree, 0, 6));
        MerkleTree fork = WitnessFixture.TreeOf(20, salt: "forked");

        WitnessResponse response = await witness.AddCheckpointAsync(_log.Request(fork, 6, 15));

        Assert.Equal(422, response.StatusCode);
        Assert.Equal(6, (await _state.GetLatestAsync(WitnessFixture.Origin))!.Size);
    }

    [Fact]
    public async Task AddCheckpoint_ForkAtTheSameSize_Returns422()
    {
        CheckpointWitness witness = Witness();
        await witness.AddCheckpointAsync(_log.Request(_tree, 0, 9));
        MerkleTree fork = WitnessFixture.TreeOf(9, salt: "forked");

        WitnessResponse response = await witness.AddCheckpointAsync(_log.Request(fork, 9, 9));

        Assert.Equal(422, response.StatusCode);
        Assert.Contains("forked", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCheckpoint_SameCheckpointWithProofLines_Returns422()
    {
        CheckpointWitness witness = Witness();
        await witness.AddCheckpointAsync(_log.Request(_tree, 0, 9));
        IReadOnlyList<Sha256Hash> proof = (await _tree.ProveConsistencyAsync(3, 9)).Hashes;

        WitnessResponse response = await witness.AddCheckpointAsync(new AddCheckpointRequest(9, proof, _log.SignedCheckpoint(_tree, 9)).ToBody());

        Assert.Equal(422, response.StatusCode);
        Assert.Contains("must be empty", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCheckpoint_ProofLinesWithOldSizeZero_Returns422()
    {
        IReadOnlyList<Sha256Hash> proof = (await _tree.ProveConsistencyAsync(3, 8)).Hashes;
        string body = new AddCheckpointRequest(0, proof, _log.SignedCheckpoint(_tree, 8)).ToBody();

        Assert.Equal(422, (await Witness().AddCheckpointAsync(body)).StatusCode);
    }

    [Fact]
    public async Task AddCheckpoint_SizeZeroWithNonEmptyRoot_Returns422()
    {
        string note = CheckpointNote.Sign(new Checkpoint(WitnessFixture.Origin, 0, Sha256Hash.Compute([1])), _log.LogKey);

        Assert.Equal(422, (await Witness().AddCheckpointAsync(new AddCheckpointRequest(0, [], note).ToBody())).StatusCode);
    }

    [Fact]
    public async Task AddCheckpoint_ConcurrentRequestAdvancedFirst_Returns409AndDoesNotRollBack()
    {
        CheckpointWitness witness = Witness();
        await witness.AddCheckpointAsync(_log.Request(_tree, 0, 5));
        WitnessedCheckpoint winner = new(WitnessFixture.Origin, 15, await _tree.GetRootAsync(15), "note");
        _state.BeforeNextAdvance = latest => latest[WitnessFixture.Origin] = winner;

        WitnessResponse response = await witness.AddCheckpointAsync(_log.Request(_tree, 5, 8));

        Assert.Equal(409, response.StatusCode);
        Assert.Equal("15\n", response.Body);
        Assert.Equal(15, (await _state.GetLatestAsync(WitnessFixture.Origin))!.Size);
    }

    [Fact]
    public async Task GetCheckpoint_NeverCosigned_Returns404()
    {
        Assert.Equal(404, (await Witness().GetCheckpointAsync(CheckpointWitness.OriginHash(WitnessFixture.Origin))).StatusCode);
    }
}
