using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Randomness;

namespace DecisionLedger.Tests.Checkpoints;

public sealed class SignedNoteFormatTests
{
    private static readonly NoteVerifier s_peter = NoteVerifier.Parse(GoVectors.PeterVerifierKey);
    private static readonly NoteVerifier s_enoch = NoteVerifier.Parse(GoVectors.EnochVerifierKey);

    [Fact]
    public void Sign_GoExample_ProducesGosExactNote()
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Parse(GoVectors.PeterSignerKey);

        string note = SignedNoteFormat.Sign(GoVectors.Text, signer);

        Assert.Equal(GoVectors.PeterNote, note);
    }

    [Fact]
    public void Open_GoNote_VerifiesWithGoKey()
    {
        VerifiedNote verified = SignedNoteFormat.Open(GoVectors.PeterNote, [s_peter]);

        Assert.Equal(GoVectors.Text, verified.Text);
        Assert.Same(s_peter, Assert.Single(verified.VerifiedBy));
        Assert.Empty(verified.UnknownSignatures);
    }

    [Fact]
    public void Open_Utf8Bytes_VerifiesGoNote()
    {
        VerifiedNote verified = SignedNoteFormat.Open(Encoding.UTF8.GetBytes(GoVectors.PeterNote), [s_peter]);

        Assert.Equal(GoVectors.Text, verified.Text);
    }

    [Fact]
    public void Open_TwoSignaturesOneUnknown_VerifiesKnownAndListsUnknown()
    {
        string note = GoVectors.Text + "\n" + GoVectors.PeterSignatureLine + GoVectors.EnochSignatureLine;

        VerifiedNote verified = SignedNoteFormat.Open(note, [s_peter]);

        Assert.Same(s_peter, Assert.Single(verified.VerifiedBy));
        NoteSignature unknown = Assert.Single(verified.UnknownSignatures);
        Assert.Equal("EnochRoot", unknown.Name);
        Assert.Equal(0xaf0cfe78u, unknown.KeyId);
    }

    [Fact]
    public void Open_TwoSignaturesBothKnown_ListsBothVerifiersInOrder()
    {
        string note = GoVectors.Text + "\n" + GoVectors.PeterSignatureLine + GoVectors.EnochSignatureLine;

        VerifiedNote verified = SignedNoteFormat.Open(note, [s_enoch, s_peter]);

        Assert.Equal([s_peter, s_enoch], verified.VerifiedBy);
        Assert.Empty(verified.UnknownSignatures);
    }

    [Fact]
    public void Open_OnlyUnknownKeys_ThrowsNoKnownSignature()
    {
        var e = Assert.Throws<NoteVerificationException>(() => SignedNoteFormat.Open(GoVectors.PeterNote, [s_enoch]));

        Assert.Equal(NoteVerificationFailure.NoKnownSignature, e.Reason);
        Assert.Contains("PeterNeumann+c74f20a3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NoKeysSupplied_ThrowsNoKnownSignature()
    {
        var e = Assert.Throws<NoteVerificationException>(() => SignedNoteFormat.Open(GoVectors.PeterNote, []));

        Assert.Equal(NoteVerificationFailure.NoKnownSignature, e.Reason);
    }

    [Fact]
    public void Open_KnownKeyWithBadSignature_ThrowsInvalidSignatureEvenBesideAGoodOne()
    {
        // Go's TestOpen corruption: four base64 characters spliced into the signature.
        string bad = GoVectors.EnochSignatureLine[..60] + "ABCD" + GoVectors.EnochSignatureLine[60..];
        string note = GoVectors.Text + "\n" + GoVectors.PeterSignatureLine + bad;

        var e = Assert.Throws<NoteVerificationException>(() => SignedNoteFormat.Open(note, [s_peter, s_enoch]));

        Assert.Equal(NoteVerificationFailure.InvalidSignature, e.Reason);
        Assert.Equal("EnochRoot", e.KeyName);
        Assert.Equal(0xaf0cfe78u, e.KeyId);
    }

    [Fact]
    public void Open_UnknownKeyWithBadSignature_IsIgnored()
    {
        string bad = GoVectors.EnochSignatureLine[..60] + "ABCD" + GoVectors.EnochSignatureLine[60..];
        string note = GoVectors.Text + "\n" + GoVectors.PeterSignatureLine + bad;

        VerifiedNote verified = SignedNoteFormat.Open(note, [s_peter]);

        Assert.Single(verified.UnknownSignatures);
    }

    [Fact]
    public void Open_TamperedText_ThrowsInvalidSignature()
    {
        string tampered = GoVectors.PeterNote.Replace("cryptography", "cryptographY", StringComparison.Ordinal);

        var e = Assert.Throws<NoteVerificationException>(() => SignedNoteFormat.Open(tampered, [s_peter]));

        Assert.Equal(NoteVerificationFailure.InvalidSignature, e.Reason);
    }

    [Fact]
    public void Open_SameNameDifferentKey_IsUnknownNotInvalid()
    {
        // A key with the same name but another ID is a different key: ignored, per the spec.
        Ed25519NoteSigner impostor = Ed25519NoteSigner.Generate("PeterNeumann", new SeededRandomSource(7));
        string note = SignedNoteFormat.Sign(GoVectors.Text, impostor);

        var e = Assert.Throws<NoteVerificationException>(() => SignedNoteFormat.Open(note, [s_peter]));

        Assert.Equal(NoteVerificationFailure.NoKnownSignature, e.Reason);
    }

    [Fact]
    public void Sign_TextWithBlankLines_RoundTripsBecauseTheLastBlankLineSplits()
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Generate("log.example", new SeededRandomSource(3));
        const string text = "first\n\nthird\n\n";

        string note = SignedNoteFormat.Sign(text, signer);
        VerifiedNote verified = SignedNoteFormat.Open(note, [signer.Verifier]);

        Assert.Equal(text, verified.Text);
    }

    [Fact]
    public void Sign_TwoSigners_WritesOneLinePerSignerInOrder()
    {
        Ed25519NoteSigner a = Ed25519NoteSigner.Generate("a.example", new SeededRandomSource(10));
        Ed25519NoteSigner b = Ed25519NoteSigner.Generate("b.example", new SeededRandomSource(11));

        string note = SignedNoteFormat.Sign("hello\n", a, b);
        SignedNote parsed = SignedNoteFormat.Parse(note);

        Assert.Equal(["a.example", "b.example"], parsed.Signatures.Select(s => s.Name));
        Assert.Equal([a.KeyId, b.KeyId], parsed.Signatures.Select(s => s.KeyId));
        Assert.Equal(2, SignedNoteFormat.Open(note, [a.Verifier, b.Verifier]).VerifiedBy.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no final newline")]
    [InlineData("tab\there\n")]
    [InlineData("carriage\r\n")]
    public void Sign_InvalidText_ThrowsArgumentException(string text)
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Generate("log.example", new SeededRandomSource(3));

        Assert.Throws<ArgumentException>(() => SignedNoteFormat.Sign(text, signer));
    }

    [Fact]
    public void Sign_NoSigners_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => SignedNoteFormat.Sign("hello\n"));
    }

    public static TheoryData<string, string> MalformedNotes => new()
    {
        // The first six are Go's TestOpen badMsgs (its \xff case is Open_InvalidUtf8Bytes_ThrowsMalformed).
        { GoVectors.Text, "no blank line" },
        { GoVectors.Text + "\n", "no signature lines" },
        { GoVectors.Text + "\n" + GoVectors.PeterSignatureLine[..^1], "does not end in a newline" },
        { "\u0001" + GoVectors.PeterNote, "control character U+0001" },
        { GoVectors.Text + "\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", "not standard padded base64" },
        { GoVectors.PeterNote + "Unexpected line.\n", "line 2 does not start with an em dash" },
        { GoVectors.Text + "\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", "em dash" },
        { GoVectors.Text + "\n\u2014 PeterNeumann\n", "no space" },
        { GoVectors.Text + "\n\u2014 Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", "contains '+'" },
        { GoVectors.Text + "\n\u2014 PeterNeumann AAAA\n", "at least 5" },
        { GoVectors.Text + "\n" + string.Concat(Enumerable.Repeat(GoVectors.PeterSignatureLine, 101)), "at most 100" },
    };

    [Theory]
    [MemberData(nameof(MalformedNotes))]
    public void Parse_MalformedNote_ThrowsFormatExceptionNamingTheProblem(string note, string expectedReason)
    {
        FormatException e = Assert.Throws<FormatException>(() => SignedNoteFormat.Parse(note));

        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MalformedNotes))]
    public void Open_MalformedNote_ThrowsMalformed(string note, string expectedReason)
    {
        var e = Assert.Throws<NoteVerificationException>(() => SignedNoteFormat.Open(note, [s_peter]));

        Assert.Equal(NoteVerificationFailure.Malformed, e.Reason);
        Assert.Contains(expectedReason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnpairedSurrogate_ThrowsMalformed()
    {
        // Not theory data: xUnit's serialization of theory rows turns a lone surrogate into U+FFFD.
        string note = "\uD800" + GoVectors.PeterNote;

        var e = Assert.Throws<NoteVerificationException>(() => SignedNoteFormat.Open(note, [s_peter]));

        Assert.Equal(NoteVerificationFailure.Malformed, e.Reason);
        Assert.Contains("unpaired surrogate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HundredSignatures_IsAccepted()
    {
        string note = GoVectors.Text + "\n" + string.Concat(Enumerable.Repeat(GoVectors.PeterSignatureLine, 100));

        Assert.Equal(100, SignedNoteFormat.Parse(note).Signatures.Count);
        Assert.Single(SignedNoteFormat.Open(note, [s_peter]).VerifiedBy);
    }

    [Fact]
    public void Open_InvalidUtf8Bytes_ThrowsMalformed()
    {
        byte[] bytes = [0xFF, .. Encoding.UTF8.GetBytes(GoVectors.PeterNote)];

        var e = Assert.Throws<NoteVerificationException>(() => SignedNoteFormat.Open(bytes, [s_peter]));

        Assert.Equal(NoteVerificationFailure.Malformed, e.Reason);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_SameKeyListedTwice_VerifiesOnce()
    {
        NoteVerifier again = NoteVerifier.Parse(GoVectors.PeterVerifierKey);

        VerifiedNote verified = SignedNoteFormat.Open(GoVectors.PeterNote, [s_peter, again]);

        Assert.Single(verified.VerifiedBy);
    }
}
