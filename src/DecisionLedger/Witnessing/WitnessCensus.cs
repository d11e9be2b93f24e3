using DecisionLedger.Checkpoints;

namespace DecisionLedger.Witnessing;

/// <summary>Names, per witness of a policy, whether a cosigned note holds its valid cosignature, an invalid one, or none.</summary>
internal static class WitnessCensus
{
    /// <summary>One sentence: <c>Valid: w1; invalid (not over this checkpoint, or altered): w3; missing: w2.</c></summary>
    public static string Describe(string cosigned, WitnessPolicy policy)
    {
        SignedNote note = SignedNoteFormat.Parse(cosigned);
        var valid = new List<string>();
        var invalid = new List<string>();
        var missing = new List<string>();
        foreach (PolicyWitness witness in policy.Witnesses)
        {
            NoteSignature[] own = [.. note.Signatures.Where(witness.Verifier.Matches)];
            if (own.Length == 0)
            {
                missing.Add(witness.Name);
            }
            else if (own.All(line => witness.Verifier.Verify(note.Text, line, out _)))
            {
                valid.Add(witness.Name);
            }
            else
            {
                invalid.Add(witness.Name);
            }
        }

        return $"Valid: {List(valid)}; invalid (not over this checkpoint, or altered): {List(invalid)}; missing: {List(missing)}.";

        static string List(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
    }
}
