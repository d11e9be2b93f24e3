using System.Buffers.Binary;
using System.Text;

namespace DecisionLedger.Checkpoints;

/// <summary>
/// Writes, parses and verifies C2SP signed notes (c2sp.org/signed-note), byte-compatible
/// with Go's <c>golang.org/x/mod/sumdb/note</c>: a text ending in a newline, a blank line, then
/// one or more lines <c>— name base64(keyID ‖ signature)</c>.
/// </summary>
internal static class SignedNoteFormat
{
    // Strict decoding: a note with invalid UTF-8 is malformed, not silently repaired with U+FFFD.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Signs <paramref name="text"/> with each signer and returns the signed note.</summary>
    /// <param name="text">
    /// The note text: non-empty, ending in a newline, with no control characters other than
    /// newline. It may contain blank lines: readers split at the last one, which is always the
    /// separator because signature lines never contain one.
    /// </param>
    /// <param name="signers">One or more signers; their signature lines appear in this order.</param>
    /// <returns>The signed note: text, blank line, one signature line per signer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/>, <paramref name="signers"/> or one of its elements is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The text is empty, does not end in a newline or contains a forbidden character; no signer
    /// was given; or a signer has an invalid key name.
    /// </exception>
    public static string Sign(string text, params ICheckpointSigner[] signers)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(signers);
        ValidateText(text, nameof(text));
        if (signers.Length == 0)
        {
            throw new ArgumentException("At least one signer is required: a note without signatures cannot be opened.", nameof(signers));
        }

        byte[] message = Encoding.UTF8.GetBytes(text);
        var note = new StringBuilder(text.Length + 1 + (signers.Length * 128));
        note.Append(text).Append('\n');
        foreach (ICheckpointSigner signer in signers)
        {
            ArgumentNullException.ThrowIfNull(signer, nameof(signers));
            NoteSyntax.ThrowIfInvalidKeyName(signer.Name, nameof(signers));

            byte[] signature = signer.Sign(message);
            byte[] keyIdAndSignature = new byte[4 + signature.Length];
            BinaryPrimitives.WriteUInt32BigEndian(keyIdAndSignature, signer.KeyId);
            signature.CopyTo(keyIdAndSignature, 4);
            note.Append(NoteSyntax.SignatureLinePrefix)
                .Append(signer.Name)
                .Append(' ')
                .Append(Convert.ToBase64String(keyIdAndSignature))
                .Append('\n');
        }

        return note.ToString();
    }

    /// <summary>Parses a signed note without verifying any signature.</summary>
    /// <param name="note">The signed note.</param>
    /// <returns>The text and the signature lines. Do not trust the text: call <see cref="Open(string, IEnumerable{NoteVerifier})"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="note"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// The note contains a control character other than newline or an unpaired surrogate, has
    /// no blank line, has no signature lines or more than 100, its last line does not end in a
    /// newline, or a signature line is not <c>— name base64</c> with a valid name and at least
    /// five decoded bytes.
    /// </exception>
    public static SignedNote Parse(string note)
    {
        ArgumentNullException.ThrowIfNull(note);

        if (NoteSyntax.FindForbiddenCharacter(note) is { } forbidden)
        {
            throw new FormatException($"The signed note contains {forbidden}.");
        }

        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new FormatException("The signed note has no blank line separating its text from its signature lines.");
        }

        string text = note[..(split + 1)];
        string block = note[(split + 2)..];
        if (block.Length == 0)
        {
            throw new FormatException("The signed note has no signature lines after its last blank line.");
        }

        if (block[^1] != '\n')
        {
            throw new FormatException("The last signature line of the signed note does not end in a newline.");
        }

        // The block ends in '\n', so splitting leaves one empty trailing element to drop.
        string[] lines = block[..^1].Split('\n');
        if (lines.Length > NoteSyntax.MaxSignatures)
        {
            throw new FormatException(
                $"The signed note has {lines.Length} signature lines; at most {NoteSyntax.MaxSignatures} are accepted.");
        }

        var signatures = new NoteSignature[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            signatures[i] = ParseSignatureLine(lines[i], i + 1);
        }

        return new SignedNote(text, signatures);
    }

    /// <summary>Parses a signed note read as bytes, rejecting invalid UTF-8.</summary>
    /// <param name="utf8Note">The signed note as UTF-8 bytes (for example, a bundle's <c>checkpoint</c> file).</param>
    /// <returns>The text and the signature lines, unverified.</returns>
    /// <exception cref="FormatException">The bytes are not valid UTF-8, or the note is malformed as for <see cref="Parse(string)"/>.</exception>
    public static SignedNote Parse(ReadOnlySpan<byte> utf8Note) => Parse(DecodeUtf8(utf8Note));

    /// <summary>
    /// Parses a signed note and verifies it against the known keys: signatures by unknown keys
    /// are ignored, every signature by a known key must verify, and at least one must exist.
    /// </summary>
    /// <param name="note">The signed note.</param>
    /// <param name="knownKeys">The trusted keys; a signature matches a key when both name and key ID are equal.</param>
    /// <returns>The verified text, the keys that vouched for it, and the ignored signatures.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="note"/> or <paramref name="knownKeys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="knownKeys"/> holds two different keys with the same name and key ID.</exception>
    /// <exception cref="NoteVerificationException">
    /// <see cref="NoteVerificationFailure.Malformed"/> when the note does not parse;
    /// <see cref="NoteVerificationFailure.InvalidSignature"/> when a known key's signature fails;
    /// <see cref="NoteVerificationFailure.NoKnownSignature"/> when no signature is by a known key.
    /// </exception>
    public static VerifiedNote Open(string note, IEnumerable<NoteVerifier> knownKeys)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(knownKeys);
        Dictionary<(string Name, uint KeyId), NoteVerifier> known = IndexKeys(knownKeys);

        SignedNote parsed;
        try
        {
            parsed = Parse(note);
        }
        catch (FormatException e)
        {
            throw new NoteVerificationException(NoteVerificationFailure.Malformed, e.Message, e);
        }

        byte[] message = Encoding.UTF8.GetBytes(parsed.Text);
        var verifiedBy = new List<NoteVerifier>();
        var unknown = new List<NoteSignature>();
        foreach (NoteSignature signature in parsed.Signatures)
        {
            if (!known.TryGetValue((signature.Name, signature.KeyId), out NoteVerifier? verifier))
            {
                // The spec requires ignoring them, even when only the name or only the ID
                // matches a known key: they may be witness cosignatures or a rotated key.
                unknown.Add(signature);
                continue;
            }

            // Go skips a repeated signature by a key it already verified; we check every one,
            // as the spec says a known key's signature MUST be verified. A stray bad line next
            // to a good one is evidence of tampering, and notes we write never repeat a key.
            if (!verifier.Verify(message, signature.Signature))
            {
                throw new NoteVerificationException(
                    NoteVerificationFailure.InvalidSignature,
                    $"The signature by known key {signature.Name}+{NoteSyntax.FormatKeyId(signature.KeyId)} does not verify: the note text or the signature was altered.")
                {
                    KeyName = signature.Name,
                    KeyId = signature.KeyId,
                };
            }

            if (!verifiedBy.Contains(verifier))
            {
                verifiedBy.Add(verifier);
            }
        }

        if (verifiedBy.Count == 0)
        {
            string found = string.Join(", ", parsed.Signatures.Select(s => $"{s.Name}+{NoteSyntax.FormatKeyId(s.KeyId)}").Distinct());
            string expected = known.Count == 0
                ? "no keys were supplied"
                : "known keys are " + string.Join(", ", known.Values.Select(v => $"{v.Name}+{NoteSyntax.FormatKeyId(v.KeyId)}"));
            throw new NoteVerificationException(
                NoteVerificationFailure.NoKnownSignature,
                $"The note has no signature by a known key: it is signed by {found}; {expected}.");
        }

        return new VerifiedNote(parsed.Text, verifiedBy, unknown);
    }

    /// <summary>Verifies a signed note read as bytes, rejecting invalid UTF-8 as malformed.</summary>
    /// <param name="utf8Note">The signed note as UTF-8 bytes.</param>
    /// <param name="knownKeys">The trusted keys.</param>
    /// <returns>The verified note.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="knownKeys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="knownKeys"/> holds two different keys with the same name and key ID.</exception>
    /// <exception cref="NoteVerificationException">As for <see cref="Open(string, IEnumerable{NoteVerifier})"/>; invalid UTF-8 is <see cref="NoteVerificationFailure.Malformed"/>.</exception>
    public static VerifiedNote Open(ReadOnlySpan<byte> utf8Note, IEnumerable<NoteVerifier> knownKeys)
    {
        string note;
        try
        {
            note = DecodeUtf8(utf8Note);
        }
        catch (FormatException e)
        {
            throw new NoteVerificationException(NoteVerificationFailure.Malformed, e.Message, e);
        }

        return Open(note, knownKeys);
    }

    /// <summary>Throws when <paramref name="text"/> cannot be the text of a signed note.</summary>
    internal static void ValidateText(string text, string paramName)
    {
        if (text.Length == 0 || text[^1] != '\n')
        {
            throw new ArgumentException("The note text must be non-empty and end in a newline ('\\n').", paramName);
        }

        if (NoteSyntax.FindForbiddenCharacter(text) is { } forbidden)
        {
            throw new ArgumentException($"The note text contains {forbidden}.", paramName);
        }
    }

    private static NoteSignature ParseSignatureLine(string line, int lineNumber)
    {
        if (!line.StartsWith(NoteSyntax.SignatureLinePrefix, StringComparison.Ordinal))
        {
            throw new FormatException(
                $"Signature line {lineNumber} does not start with an em dash (U+2014) and a space.");
        }

        string rest = line[NoteSyntax.SignatureLinePrefix.Length..];
        int space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            throw new FormatException($"Signature line {lineNumber} has no space between the key name and the signature.");
        }

        string name = rest[..space];
        string encoded = rest[(space + 1)..];
        if (!NoteSyntax.IsValidKeyName(name, out string problem))
        {
            throw new FormatException($"The key name '{name}' on signature line {lineNumber} is invalid: {problem}.");
        }

        if (!NoteSyntax.TryDecodeBase64(encoded, out byte[] decoded))
        {
            throw new FormatException($"The signature on signature line {lineNumber} (key '{name}') is not standard padded base64.");
        }

        // Four bytes of key ID and at least one of signature, as Go requires.
        if (decoded.Length < 5)
        {
            throw new FormatException(
                $"The signature on signature line {lineNumber} (key '{name}') decodes to {decoded.Length} bytes; at least 5 (key ID and signature) are required.");
        }

        return new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(decoded), decoded[4..]);
    }

    private static Dictionary<(string Name, uint KeyId), NoteVerifier> IndexKeys(IEnumerable<NoteVerifier> knownKeys)
    {
        var known = new Dictionary<(string, uint), NoteVerifier>();
        foreach (NoteVerifier verifier in knownKeys)
        {
            ArgumentNullException.ThrowIfNull(verifier, nameof(knownKeys));
            if (known.TryGetValue((verifier.Name, verifier.KeyId), out NoteVerifier? existing)
                && !string.Equals(existing.VerifierKey, verifier.VerifierKey, StringComparison.Ordinal))
            {
                // Two keys sharing name and ID make a signature line ambiguous (Go refuses too).
                throw new ArgumentException(
                    $"The known keys hold two different keys named {verifier.Name}+{NoteSyntax.FormatKeyId(verifier.KeyId)}; a signature line could not tell them apart.",
                    nameof(knownKeys));
            }

            known[(verifier.Name, verifier.KeyId)] = verifier;
        }

        return known;
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return s_strictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException($"The signed note is not valid UTF-8 (bad byte at index {e.Index}).", e);
        }
    }
}
