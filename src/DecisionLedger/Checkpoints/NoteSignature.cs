namespace DecisionLedger.Checkpoints;

/// <summary>One signature line of a signed note: <c>— name base64(keyID ‖ signature)</c>.</summary>
/// <param name="Name">The key name.</param>
/// <param name="KeyId">The 32-bit key ID (the first four bytes of the decoded signature, big-endian).</param>
/// <param name="Signature">The signature bytes after the key ID. Equality compares the array reference, not its contents.</param>
public sealed record NoteSignature(string Name, uint KeyId, byte[] Signature);
