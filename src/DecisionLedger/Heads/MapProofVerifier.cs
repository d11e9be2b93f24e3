using DecisionLedger.Hashing;

namespace DecisionLedger.Heads;

/// <summary>
/// Checks a heads-map proof against a root, as docs/format.md section 10 states it.
/// </summary>
public static class MapProofVerifier
{
    /// <summary>The greatest depth of the map: a key hash has 256 bits.</summary>
    public const int MaxDepth = Sha256Hash.Size * 8;

    /// <summary>Verifies <paramref name="proof"/> for <paramref name="key"/> against <paramref name="root"/>.</summary>
    /// <param name="root">The heads root, from a <c>heads</c> entry.</param>
    /// <param name="key">The chain key, e.g. <c>s:&lt;ref&gt;</c>.</param>
    /// <param name="proof">The proof.</param>
    /// <returns>The key's head (proven membership), or null (proven absence).</returns>
    /// <exception cref="MapProofException">The proof does not prove anything about the key under the root; the message says why.</exception>
    public static ChainHead? Verify(Sha256Hash root, string key, MapProof proof)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(proof.Siblings);
        int depth = proof.Siblings.Count;
        if (depth > MaxDepth)
        {
            throw new MapProofException($"The proof has {depth} siblings; a key hash has only {MaxDepth} bits, so no path is deeper.");
        }

        Sha256Hash keyHash = HeadsMapHasher.KeyHash(key);
        KeyBits bits = KeyBits.From(keyHash);
        bool member = false;
        Sha256Hash hash = HeadsMapHasher.Empty;
        if (proof.Terminal is MapLeaf terminal)
        {
            if (terminal.Last < 0 || terminal.Count < 1)
            {
                throw new MapProofException($"The terminal leaf holds last {terminal.Last} and count {terminal.Count}; a chain head has last ≥ 0 and count ≥ 1.");
            }

            member = terminal.KeyHash == keyHash;
            if (!member && bits.CommonPrefixLength(KeyBits.From(terminal.KeyHash)) < depth)
            {
                throw new MapProofException($"The terminal leaf's key hash {terminal.KeyHash.ToHex()} does not share the first {depth} bits of the hash of key '{key}' ({keyHash.ToHex()}), so it is not on that key's path.");
            }

            hash = HeadsMapHasher.LeafHash(terminal);
        }

        for (int i = depth - 1; i >= 0; i--)
        {
            Sha256Hash sibling = proof.Siblings[i];
            hash = bits.Bit(i) == 0 ? HeadsMapHasher.NodeHash(hash, sibling) : HeadsMapHasher.NodeHash(sibling, hash);
        }

        if (hash != root)
        {
            string claim = member ? "membership" : "absence";
            throw new MapProofException($"The {claim} proof for key '{key}' leads to root {hash.ToBase64()}, not to the expected root {root.ToBase64()}.");
        }

        return member ? new ChainHead(proof.Terminal!.Value.Last, proof.Terminal.Value.Count) : null;
    }
}
