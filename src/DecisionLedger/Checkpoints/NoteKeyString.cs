namespace DecisionLedger.Checkpoints;

/// <summary>
/// Reads the three fields <c>name+hex8(keyID)+base64(type ‖ 32 bytes)</c> that verifier keys and
/// (after <c>PRIVATE+KEY+</c>) signer keys share, checking everything but the key ID, which
/// only the caller can compute (from the public key, or from the key derived from a seed).
/// </summary>
internal static class NoteKeyString
{
    /// <summary>The prefix of a secret signer key string.</summary>
    public const string PrivateKeyPrefix = "PRIVATE+KEY+";

    /// <summary>Splits and checks a key string of <paramref name="kind"/>.</summary>
    /// <param name="text">The whole string, with the <c>PRIVATE+KEY+</c> prefix for a secret kind.</param>
    /// <param name="kind">The kind of key expected.</param>
    /// <returns>The key name, the claimed key ID and the decoded <c>type ‖ key</c> bytes (clear them after use for a secret kind).</returns>
    /// <exception cref="FormatException">The prefix, field count, name, key ID syntax, base64, type byte or key length is wrong.</exception>
    public static (string Name, uint KeyId, byte[] TypedKey) Read(string text, NoteKeyKind kind)
    {
        // Messages for a secret kind deliberately quote only the name and key ID: the string is
        // a secret and exception messages end up in logs.
        string[] fields;
        if (kind.IsSecret)
        {
            if (!text.StartsWith(PrivateKeyPrefix, StringComparison.Ordinal))
            {
                throw new FormatException($"A {kind.Kind} starts with '{PrivateKeyPrefix}'; this one does not.");
            }

            string rest = text[PrivateKeyPrefix.Length..];
            fields = (kind.IgnoresSurroundingWhitespace ? rest.Trim() : rest).Split('+', 3);
            if (fields.Length != 3)
            {
                throw new FormatException(
                    $"A {kind.Kind} has five '+'-separated fields (PRIVATE+KEY+name+keyID+key); this one has {fields.Length + 2}.");
            }
        }
        else
        {
            // The name cannot contain '+', but the base64 key can, so split at most twice.
            fields = text.Split('+', 3);
            if (fields.Length != 3)
            {
                throw new FormatException(
                    $"A {kind.Kind} has three '+'-separated fields (name+keyID+key); '{text}' has {fields.Length}.");
            }
        }

        (string name, string keyIdText, string keyText) = (fields[0], fields[1], fields[2]);
        if (!NoteSyntax.IsValidKeyName(name, out string nameProblem))
        {
            throw new FormatException($"The {kind.Kind} name '{name}' is invalid: {nameProblem}.");
        }

        if (!NoteSyntax.TryParseKeyId(keyIdText, out uint keyId))
        {
            throw new FormatException(kind.BadKeyIdMessage(keyIdText, name));
        }

        string field = kind.IsSecret ? "private key" : "public key";
        if (!NoteSyntax.TryDecodeBase64(keyText, out byte[] typedKey) || typedKey.Length == 0)
        {
            throw new FormatException($"The {field} field of {kind.Owner} '{name}' is not standard padded base64.");
        }

        if (typedKey[0] != kind.TypeByte)
        {
            byte type = typedKey[0];
            Array.Clear(typedKey);
            throw new FormatException(kind.WrongTypeMessage(name, type));
        }

        if (typedKey.Length != 1 + NoteSyntax.Ed25519KeySize)
        {
            int length = typedKey.Length - 1;
            Array.Clear(typedKey);
            string material = kind.IsSecret ? "seed" : "public key";
            throw new FormatException(
                $"The Ed25519 {material} of {kind.Owner} '{name}' is {length} bytes; it must be {NoteSyntax.Ed25519KeySize}.");
        }

        return (name, keyId, typedKey);
    }
}
