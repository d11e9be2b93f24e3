using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;

namespace DecisionLedger.Tests.Checkpoints;

public sealed class CheckpointNoteTests
{
    private const string Origin = "decisionledger.example/fraud";

    private static readonly Checkpoint s_checkpoint =
        new(Origin, 42, Sha256Hash.FromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));

    private static Ed25519NoteSigner LedgerKey() => Ed25519NoteSigner.Generate(Origin, new SeededRandomSource(2026));

    [Fact]
    public void Sign_ThenOpen_ReturnsTheSameCheckpoint()
    {
        Ed25519NoteSigner signer = LedgerKey();

        string note = CheckpointNote.Sign(s_checkpoint, signer);
        Checkpoint opened = CheckpointNote.Open(note, NoteVerifier.Parse(signer.VerifierKey), Origin);

        Assert.Equal(s_checkpoint, opened);
        Assert.StartsWith(s_checkpoint.ToBody() + "\n\u2014 " + Origin + " ", note, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_IsDeterministic()
    {
        Assert.Equal(CheckpointNote.Sign(s_checkpoint, LedgerKey()), CheckpointNote.Sign(s_checkpoint, LedgerKey()));
    }

    [Fact]
    public void Open_SignedBySameNameDifferentKey_ThrowsNoKnownSignature()
    {
        Ed25519NoteSigner forger = Ed25519NoteSigner.Generate(Origin, new SeededRandomSource(666));
        string forged = CheckpointNote.Sign(s_checkpoint, forger);

        var e = Assert.Throws<NoteVerificationException>(() => CheckpointNote.Open(forged, LedgerKey().Verifier));

        Assert.NotEqual(LedgerKey().KeyId, forger.KeyId);
        Assert.Equal(NoteVerificationFailure.NoKnownSignature, e.Reason);
    }

    [Fact]
    public void Open_TreeSizeEdited_ThrowsInvalidSignature()
    {
        Ed25519NoteSigner signer = LedgerKey();
        string note = CheckpointNote.Sign(s_checkpoint, signer);
        string tampered = note.Replace("\n42\n", "\n43\n", StringComparison.Ordinal);

        var e = Assert.Throws<NoteVerificationException>(() => CheckpointNote.Open(tampered, signer.Verifier));

        Assert.Equal(NoteVerificationFailure.InvalidSignature, e.Reason);
    }

    [Fact]
    public void Open_OtherOrigin_ThrowsOriginMismatch()
    {
        Ed25519NoteSigner signer = LedgerKey();
        string note = CheckpointNote.Sign(s_checkpoint with { Origin = "decisionledger.example/other" }, signer);

        var e = Assert.Throws<NoteVerificationException>(() => CheckpointNote.Open(note, signer.Verifier, Origin));

        Assert.Equal(NoteVerificationFailure.OriginMismatch, e.Reason);
        Assert.Equal("decisionledger.example/other", CheckpointNote.Open(note, signer.Verifier).Origin);
    }

    [Fact]
    public void Open_SignedNoteThatIsNotACheckpoint_ThrowsMalformed()
    {
        Ed25519NoteSigner signer = LedgerKey();
        string note = SignedNoteFormat.Sign("just one line\n", signer);

        var e = Assert.Throws<NoteVerificationException>(() => CheckpointNote.Open(note, signer.Verifier));

        Assert.Equal(NoteVerificationFailure.Malformed, e.Reason);
        Assert.IsType<FormatException>(e.InnerException);
    }

    [Fact]
    public void Open_WitnessCosignatureFromUnknownKey_IsIgnored()
    {
        Ed25519NoteSigner signer = LedgerKey();
        Ed25519NoteSigner witness = Ed25519NoteSigner.Generate("witness.example", new SeededRandomSource(5));
        string note = SignedNoteFormat.Sign(s_checkpoint.ToBody(), signer, witness);

        Assert.Equal(s_checkpoint, CheckpointNote.Open(note, signer.Verifier, Origin));
    }
}
