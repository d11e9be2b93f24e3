namespace DecisionLedger.Witnessing;

/// <summary>
/// A name in a witness policy: a witness (satisfied when it cosigned) or a group (satisfied when
/// at least <see cref="Threshold"/> of its members are). <c>none</c> is a group that needs nothing.
/// </summary>
internal sealed class QuorumNode
{
    private QuorumNode(string name, CosignatureVerifier? witness, int threshold, IReadOnlyList<QuorumNode> members)
    {
        Name = name;
        Witness = witness;
        Threshold = threshold;
        Members = members;
    }

    /// <summary>The name in the policy file.</summary>
    public string Name { get; }

    /// <summary>The witness key, for a witness; <see langword="null"/> for a group.</summary>
    public CosignatureVerifier? Witness { get; }

    /// <summary>How many members must be satisfied, for a group.</summary>
    public int Threshold { get; }

    /// <summary>The members, for a group.</summary>
    public IReadOnlyList<QuorumNode> Members { get; }

    /// <summary>The predefined name that requires no cosignature.</summary>
    public static QuorumNode None { get; } = new("none", null, 0, []);

    public static QuorumNode ForWitness(string name, CosignatureVerifier witness) => new(name, witness, 1, []);

    public static QuorumNode ForGroup(string name, int threshold, IReadOnlyList<QuorumNode> members) => new(name, null, threshold, members);

    /// <summary>Whether the witnesses whose verifier keys are in <paramref name="cosigned"/> satisfy this node.</summary>
    public bool IsSatisfiedBy(IReadOnlySet<string> cosigned) =>
        Witness is not null
            ? cosigned.Contains(Witness.VerifierKey)
            : Members.Count(m => m.IsSatisfiedBy(cosigned)) >= Threshold;

    /// <summary>A readable form of the rule, for error messages: "2 of (w1, w2, w3)".</summary>
    public string Describe() =>
        Witness is not null ? Name
        : Members.Count == 0 ? "none"
        : $"{Threshold} of ({string.Join(", ", Members.Select(m => m.Describe()))})";
}
