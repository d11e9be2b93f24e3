namespace DecisionLedger.Checkpoints;

/// <summary>
/// One kind of Ed25519 key string in the <c>name+hex8(keyID)+base64(type ‖ key)</c> family: the
/// type byte it must carry and the words its error messages use, so that the ledger's and the
/// witnesses' key strings are read by one parser and still name the key the reader has in hand.
/// </summary>
/// <remarks>
/// The message properties default to the wording most kinds share; a kind whose messages have
/// always read differently overrides them, so that no existing message changes.
/// </remarks>
internal sealed class NoteKeyKind
{
    /// <summary>Creates a key kind.</summary>
    /// <param name="typeByte">The type byte before the key bytes: 0x01 signed note, 0x04 cosignature.</param>
    /// <param name="kind">What the whole string is called, e.g. "verifier key".</param>
    /// <param name="owner">What the key is called after "of", e.g. "witness key".</param>
    /// <param name="isSecret">Whether the string holds a private seed (<c>PRIVATE+KEY+</c> prefix, never quoted).</param>
    public NoteKeyKind(byte typeByte, string kind, string owner, bool isSecret)
    {
        TypeByte = typeByte;
        Kind = kind;
        Owner = owner;
        IsSecret = isSecret;
        BadKeyIdMessage = isSecret
            ? (_, name) => $"The key ID of {owner} '{name}' must be exactly 8 hexadecimal digits."
            : (text, name) => $"The key ID '{text}' of {owner} '{name}' must be exactly 8 hexadecimal digits.";
        WrongTypeMessage = (name, type) =>
            $"The {owner} '{name}' uses signature algorithm 0x{type:x2}; only 0x01 (Ed25519) is supported.";
        KeyIdMismatchMessage = (claimed, name, computed) =>
            $"The key ID {NoteSyntax.FormatKeyId(claimed)} of {owner} '{name}' does not match the ID computed from its name and public key ({NoteSyntax.FormatKeyId(computed)}).";
        InvalidPointMessage = name => $"The public key of '{name}' is not a valid Ed25519 point.";
    }

    /// <summary>The type byte the decoded key must start with.</summary>
    public byte TypeByte { get; }

    /// <summary>What the whole string is called in messages, e.g. "witness verifier key".</summary>
    public string Kind { get; }

    /// <summary>What the key is called after "of" in messages, e.g. "witness key".</summary>
    public string Owner { get; }

    /// <summary>Whether the string holds a private seed; such strings are never quoted in messages.</summary>
    public bool IsSecret { get; }

    /// <summary>
    /// Whether whitespace around the fields after the <c>PRIVATE+KEY+</c> prefix is ignored (a
    /// witness key is commonly read from a file with its final newline).
    /// </summary>
    public bool IgnoresSurroundingWhitespace { get; init; }

    /// <summary>The message for a key ID field (the text, then the key name) that is not eight hex digits.</summary>
    public Func<string, string, string> BadKeyIdMessage { get; init; }

    /// <summary>The message for a key name and a type byte other than <see cref="TypeByte"/>.</summary>
    public Func<string, byte, string> WrongTypeMessage { get; init; }

    /// <summary>The message for a claimed key ID, the key name and the ID computed from the name and key.</summary>
    public Func<uint, string, uint, string> KeyIdMismatchMessage { get; init; }

    /// <summary>The message for a key name whose public key is not a valid Ed25519 point.</summary>
    public Func<string, string> InvalidPointMessage { get; init; }

    /// <summary>The kind of the ledger's verifier key <c>name+hex8(keyID)+base64(0x01 ‖ public key)</c>.</summary>
    public static NoteKeyKind LogVerifierKey { get; } = new(NoteSyntax.AlgorithmEd25519, "verifier key", "verifier key", isSecret: false)
    {
        BadKeyIdMessage = (text, name) => $"The verifier key ID '{text}' of key '{name}' must be exactly 8 hexadecimal digits.",
        KeyIdMismatchMessage = (claimed, name, computed) =>
            $"The verifier key ID {NoteSyntax.FormatKeyId(claimed)} of key '{name}' does not match the ID computed from its name and public key ({NoteSyntax.FormatKeyId(computed)}).",
    };

    /// <summary>The kind of the ledger's secret signer key <c>PRIVATE+KEY+name+hex8(keyID)+base64(0x01 ‖ seed)</c>.</summary>
    public static NoteKeyKind LogSignerKey { get; } = new(NoteSyntax.AlgorithmEd25519, "signer key", "signer key", isSecret: true);
}
