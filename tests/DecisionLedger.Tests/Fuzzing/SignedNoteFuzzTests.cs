using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;
using DecisionLedger.Tests.Checkpoints;

namespace DecisionLedger.Tests.Fuzzing;

/// <summary>
/// Signed notes, checkpoints and verifier keys under mutation: parsing fails only with
/// <see cref="FormatException"/>, opening only with <see cref="NoteVerificationException"/>, and no
/// edit of a signed checkpoint ever opens as a different checkpoint (the signature is the point).
/// </summary>
public sealed class SignedNoteFuzzTests
{
    private static readonly Ed25519NoteSigner s_ledgerKey = Ed25519NoteSigner.Generate("decisionledger.example/fuzz", new SeededRandomSource(12));
    private static readonly Ed25519NoteSigner s_witnessKey = Ed25519NoteSigner.Generate("witness.example", new SeededRandomSource(13));
    private static readonly Checkpoint s_checkpoint = new("decisionledger.example/fuzz", 1842, Sha256Hash.Compute("root"u8));
    private static readonly string s_note = CheckpointNote.Sign(s_checkpoint, s_ledgerKey);

    private static readonly byte[][] s_notes =
    [
        Encoding.UTF8.GetBytes(s_note),
        Encoding.UTF8.GetBytes(SignedNoteFormat.Sign(s_checkpoint.ToBody(), s_ledgerKey, s_witnessKey)),
        Encoding.UTF8.GetBytes(CheckpointNote.Sign(s_checkpoint with { Size = 0, Extensions = ["ext line"] }, s_ledgerKey)),
        Encoding.UTF8.GetBytes(GoVectors.PeterNote),
        Encoding.UTF8.GetBytes(GoVectors.Text + "\n" + GoVectors.PeterSignatureLine + GoVectors.EnochSignatureLine),
    ];

    private static readonly string[] s_keys =
    [
        s_ledgerKey.VerifierKey, s_witnessKey.VerifierKey, GoVectors.PeterVerifierKey, GoVectors.EnochVerifierKey, GoVectors.PeterSignerKey,
    ];

    [Fact]
    public void Parse_MutatedNotes_FailsOnlyWithFormatException()
    {
        FuzzBudget.Run(ByteMutations.Of(s_notes), shortRun: 6_000, bytes =>
        {
            try
            {
                SignedNote note = SignedNoteFormat.Parse(bytes);
                Assert.NotEmpty(note.Signatures);
                Assert.EndsWith("\n", note.Text, StringComparison.Ordinal);
            }
            catch (FormatException)
            {
            }
        }, ByteMutations.Show);
    }

    [Fact]
    public void Open_MutatedCheckpoints_FailsOnlyWithNoteVerificationExceptionAndNeverOpensAnotherCheckpoint()
    {
        FuzzBudget.Run(ByteMutations.Of(s_notes), shortRun: 1_500, bytes =>
        {
            Checkpoint opened;
            try
            {
                opened = CheckpointNote.Open(Encoding.UTF8.GetString(bytes), s_ledgerKey.Verifier);
                _ = SignedNoteFormat.Open(bytes, [s_ledgerKey.Verifier, s_witnessKey.Verifier]);
            }
            catch (NoteVerificationException)
            {
                return;
            }

            // Only the ledger's own signatures can open: the text under them is the signed one.
            Assert.Contains(s_ledgerKey.Verifier.Name, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            Assert.True(opened.Size is 1842 or 0, $"opened an unsigned size {opened.Size}");
            Assert.Equal(s_checkpoint.RootHash, opened.RootHash);
        }, ByteMutations.Show);
    }

    [Fact]
    public void ParseBody_MutatedBodies_FailsOnlyWithFormatException()
    {
        string[] bodies = [s_checkpoint.ToBody(), (s_checkpoint with { Extensions = ["a", "b c"] }).ToBody(), "o\n0\n" + Convert.ToBase64String(new byte[32]) + "\n"];
        FuzzBudget.Run(ByteMutations.TextOf(bodies), shortRun: 6_000, body =>
        {
            try
            {
                Checkpoint parsed = Checkpoint.ParseBody(body);
                Assert.Equal(body, parsed.ToBody());
            }
            catch (FormatException)
            {
            }
        });
    }

    [Fact]
    public void VerifierParse_MutatedKeys_FailsOnlyWithFormatException()
    {
        FuzzBudget.Run(ByteMutations.TextOf(s_keys, maxEdits: 3), shortRun: 4_000, key =>
        {
            try
            {
                NoteVerifier verifier = NoteVerifier.Parse(key);
                Assert.False(string.IsNullOrEmpty(verifier.Name));
            }
            catch (FormatException)
            {
            }
        });
    }
}
