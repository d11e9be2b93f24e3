using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using DecisionLedger.Checkpoints;
using DecisionLedger.Merkle;
using DecisionLedger.Timestamping;

namespace DecisionLedger.Witnessing.Receipts;

/// <summary>
/// Checks a proof receipt offline with the ledger's verifier key: the entry's inclusion proof against
/// the signed checkpoint it carries; with a witness policy, a quorum of valid cosignatures over exactly
/// the checkpoint the entry is proven in (and that checkpoint extending the receipt's own); with TSA
/// roots, every RFC 3161 token over that checkpoint.
/// </summary>
public static class ReceiptVerifier
{
    /// <summary>Verifies <paramref name="receipt"/>.</summary>
    /// <param name="receipt">The parsed receipt.</param>
    /// <param name="logKey">The ledger's verifier key, obtained independently of the receipt.</param>
    /// <param name="policy">The witnesses to trust and the quorum, or null not to demand cosignatures.</param>
    /// <param name="tsaRoots">The TSA roots to trust, or null not to demand time stamps.</param>
    /// <returns>The verification; its problems name each failed check.</returns>
    public static ReceiptVerification Verify(ProofReceipt receipt, NoteVerifier logKey, WitnessPolicy? policy = null, X509Certificate2Collection? tsaRoots = null)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(logKey);
        var problems = new List<string>();
        long? proven = null;
        Checkpoint? own = null;
        if (receipt.Checkpoint is { } note)
        {
            own = Open(note, "checkpoint", logKey, problems);
            if (own is not null && CheckInclusion(receipt, receipt.Proof, own, "proof", problems))
            {
                proven = own.Size;
            }
        }
        else if (receipt.Witnessed is null)
        {
            problems.Add("checkpoint: missing, so the receipt proves nothing on its own; record with --proofs (or ?proof=true), or upgrade the receipt once a checkpoint covering it is published ('dledger proof upgrade', GET /v1/proof/witnessed).");
        }

        CosignedCheckpoint? cosigned = null;
        var timestamps = new List<KeyValuePair<string, TimestampVerification>>();
        if (receipt.Witnessed is { } witnessed)
        {
            Checkpoint? anchor = Open(witnessed.CosignedCheckpoint, "witnessed.cosignedCheckpoint", logKey, problems);
            if (anchor is not null && CheckInclusion(receipt, witnessed.Inclusion, anchor, "witnessed.proof", problems) && CheckExtends(own, anchor, witnessed.Consistency, problems))
            {
                proven = anchor.Size;
            }

            if (anchor is not null && policy is not null)
            {
                cosigned = CheckCosignatures(witnessed.CosignedCheckpoint, anchor, logKey, policy, problems);
            }

            if (anchor is not null && tsaRoots is not null)
            {
                CheckTimestamps(witnessed, LedgerSignedNote(witnessed.CosignedCheckpoint, logKey), tsaRoots, timestamps, problems);
            }
        }
        else if (policy is not null || tsaRoots is not null)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"witnessed: missing, so no witness or time-stamp authority attests to this receipt's checkpoint. Upgrade the receipt once its checkpoint is published: 'dledger proof upgrade', or GET /v1/proof/witnessed?seq={receipt.Seq} on the collector."));
        }

        return new ReceiptVerification(proven, cosigned, policy?.QuorumDescription, timestamps, problems);
    }

    private static Checkpoint? Open(string note, string member, NoteVerifier logKey, List<string> problems)
    {
        try
        {
            return CheckpointNote.Open(note, logKey, logKey.Name);
        }
        catch (NoteVerificationException e)
        {
            problems.Add($"{member}: does not verify with the ledger's key '{logKey.Name}' ({e.Reason}): {e.Message}");
            return null;
        }
    }

    private static bool CheckInclusion(ProofReceipt receipt, InclusionProof? proof, Checkpoint checkpoint, string member, List<string> problems)
    {
        int before = problems.Count;
        if (proof is null)
        {
            problems.Add($"{member}: missing; a receipt carrying a checkpoint carries the entry's inclusion proof against it.");
            return false;
        }

        if (proof.LeafIndex != receipt.Seq)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{member}.leafIndex: {proof.LeafIndex} is not the receipt's seq {receipt.Seq}."));
        }

        if (proof.LeafHash != receipt.LeafHash)
        {
            problems.Add($"{member}.leafHash: {proof.LeafHash.ToBase64()} is not the receipt's leafHash {receipt.LeafHash.ToBase64()}.");
        }

        if (proof.TreeSize != checkpoint.Size)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{member}.treeSize: {proof.TreeSize} is not the size of the checkpoint it goes with ({checkpoint.Size})."));
        }

        if (problems.Count == before && !proof.Verify(checkpoint.RootHash))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{member}: does not lead from the leaf hash to the signed root of tree size {checkpoint.Size}; the entry is not in that tree, or the proof was altered."));
        }

        return problems.Count == before;
    }

    /// <summary>The witnessed checkpoint must be the receipt's own, or a later tree that provably extends it.</summary>
    private static bool CheckExtends(Checkpoint? own, Checkpoint anchor, ConsistencyProof? consistency, List<string> problems)
    {
        if (own is null || own.Size == 0)
        {
            return true;
        }

        if (own.Size == anchor.Size)
        {
            if (own.RootHash == anchor.RootHash)
            {
                return true;
            }

            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"witnessed.cosignedCheckpoint: size {anchor.Size} like the receipt's checkpoint, but another root ({anchor.RootHash.ToBase64()}, not {own.RootHash.ToBase64()}): the ledger signed two different trees of one size, a split view."));
            return false;
        }

        if (own.Size > anchor.Size)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"witnessed.cosignedCheckpoint: size {anchor.Size} is older than the receipt's checkpoint (size {own.Size}); a witnessed checkpoint must be the receipt's own or a later one."));
            return false;
        }

        if (consistency is null)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"witnessed.consistency: missing; the witnessed checkpoint (size {anchor.Size}) is later than the receipt's (size {own.Size}), so the receipt carries the proof that one extends the other."));
            return false;
        }

        if (consistency.FromSize != own.Size || consistency.ToSize != anchor.Size || !consistency.Verify(own.RootHash, anchor.RootHash))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"witnessed.consistency: does not prove that tree size {anchor.Size} extends the receipt's checkpoint (size {own.Size}); the witnessed tree is another history, or the proof was altered."));
            return false;
        }

        return true;
    }

    private static CosignedCheckpoint? CheckCosignatures(string note, Checkpoint anchor, NoteVerifier logKey, WitnessPolicy policy, List<string> problems)
    {
        try
        {
            return CosignedCheckpointVerifier.Verify(note, logKey, policy);
        }
        catch (NoteVerificationException e)
        {
            problems.Add($"witnessed.cosignedCheckpoint: does not verify with the ledger's key '{logKey.Name}': {e.Message}");
        }
        catch (WitnessQuorumException e)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"witnessed.cosignedCheckpoint (tree size {anchor.Size}): {e.Message} {WitnessCensus.Describe(note, policy)}"));
        }

        return null;
    }

    private static void CheckTimestamps(WitnessedProof witnessed, string signedNote, X509Certificate2Collection roots, List<KeyValuePair<string, TimestampVerification>> verified, List<string> problems)
    {
        if (witnessed.Timestamps.Count == 0)
        {
            problems.Add("witnessed.timestamps: none, so nothing outside the ledger attests when its checkpoint existed; upgrade the receipt again once the ledger's time-stamp authorities stamped the checkpoint, or drop --tsa-roots.");
            return;
        }

        foreach ((string authority, byte[] token) in witnessed.Timestamps)
        {
            try
            {
                verified.Add(new(authority, TimestampTokenVerifier.Verify(token, signedNote, roots)));
            }
            catch (TimestampVerificationException e)
            {
                problems.Add($"witnessed.timestamps.{authority} ({e.Reason}): {e.Message}");
            }
        }
    }

    /// <summary>The checkpoint note as the ledger signed it (what RFC 3161 tokens are over): the cosigned note without the witnesses' lines.</summary>
    internal static string LedgerSignedNote(string cosigned, NoteVerifier logKey)
    {
        SignedNote parsed = SignedNoteFormat.Parse(cosigned);
        string head = parsed.Text + "\n";
        var note = new System.Text.StringBuilder(head);
        foreach (string line in cosigned[head.Length..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            NoteSignature signature = SignedNoteFormat.Parse(head + line + "\n").Signatures[0];
            if (signature.Name == logKey.Name && signature.KeyId == logKey.KeyId)
            {
                note.Append(line).Append('\n');
            }
        }

        return note.ToString();
    }
}
