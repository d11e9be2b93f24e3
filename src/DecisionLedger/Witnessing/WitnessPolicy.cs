using DecisionLedger.Checkpoints;

namespace DecisionLedger.Witnessing;

/// <summary>
/// Which logs and witnesses to trust and how many cosignatures a checkpoint needs, in the
/// C2SP transparency-log policy format (c2sp.org/tlog-policy): <c>log</c>, <c>witness</c>,
/// <c>group</c> and <c>quorum</c> lines.
/// </summary>
/// <example>
/// <code>
/// log decisionledger.example/fraud+1a2b3c4d+AQ…
/// witness w1 witness.example/w1+5e6f7a8b+BB…
/// witness w2 witness.example/w2+9c0d1e2f+BC…
/// witness w3 witness.example/w3+3a4b5c6d+BD…
/// group two-of-three 2 w1 w2 w3
/// quorum two-of-three
/// </code>
/// </example>
public sealed class WitnessPolicy
{
    private readonly QuorumNode _quorum;

    private WitnessPolicy(IReadOnlyList<NoteVerifier> logs, IReadOnlyList<PolicyWitness> witnesses, QuorumNode quorum)
    {
        Logs = logs;
        Witnesses = witnesses;
        _quorum = quorum;
    }

    /// <summary>The logs the policy lists (may be empty when the log key comes from elsewhere).</summary>
    public IReadOnlyList<NoteVerifier> Logs { get; }

    /// <summary>The witnesses the policy lists, in file order.</summary>
    public IReadOnlyList<PolicyWitness> Witnesses { get; }

    /// <summary>The quorum rule in words, such as <c>2 of (w1, w2, w3)</c>, for messages.</summary>
    public string QuorumDescription => _quorum.Describe();

    /// <summary>A policy needing <paramref name="quorum"/> of the given witnesses, with no log lines.</summary>
    /// <param name="quorum">How many of the witnesses must cosign: 1 to the number of witnesses.</param>
    /// <param name="witnesses">The witness keys; each witness is named after its key name.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException">No witnesses, the same key or name twice, or a quorum outside 1..n.</exception>
    public static WitnessPolicy Threshold(int quorum, IEnumerable<CosignatureVerifier> witnesses)
    {
        ArgumentNullException.ThrowIfNull(witnesses);
        var list = new List<PolicyWitness>();
        foreach (CosignatureVerifier witness in witnesses)
        {
            ArgumentNullException.ThrowIfNull(witness, nameof(witnesses));
            if (list.Any(w => w.Verifier.PublicKey.AsSpan().SequenceEqual(witness.PublicKey) || w.Name == witness.Name))
            {
                throw new ArgumentException($"The witness {witness.Name} is listed twice.", nameof(witnesses));
            }

            list.Add(new PolicyWitness(witness.Name, witness, null));
        }

        if (list.Count == 0 || quorum < 1 || quorum > list.Count)
        {
            throw new ArgumentException($"The quorum must be between 1 and the number of witnesses ({list.Count}); got {quorum}.", nameof(quorum));
        }

        QuorumNode group = QuorumNode.ForGroup("quorum", quorum, [.. list.Select(w => QuorumNode.ForWitness(w.Name, w.Verifier))]);
        return new WitnessPolicy([], list, group);
    }

    /// <summary>Parses a policy file.</summary>
    /// <param name="text">The policy text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">
    /// A message starting <c>line N:</c> and naming the problem: a forbidden control character, an
    /// unknown keyword, a missing or extra field, a bad log key (type 0x01) or witness key (type
    /// 0x04), a duplicate key or name, an undefined or repeated group member, a threshold outside
    /// 1..n; or no quorum line, or more than one.
    /// </exception>
    public static WitnessPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var logs = new List<NoteVerifier>();
        var witnesses = new List<PolicyWitness>();
        var names = new Dictionary<string, QuorumNode>(StringComparer.Ordinal) { ["none"] = QuorumNode.None };
        QuorumNode? quorum = null;

        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int number = i + 1;
            string line = lines[i];
            CheckCharacters(line, number);
            string[] fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#'))
            {
                continue;
            }

            switch (fields[0])
            {
                case "log":
                    logs.Add(ParseLog(fields, number, logs));
                    break;
                case "witness":
                    PolicyWitness witness = ParseWitness(fields, number, witnesses, names);
                    witnesses.Add(witness);
                    names[witness.Name] = QuorumNode.ForWitness(witness.Name, witness.Verifier);
                    break;
                case "group":
                    QuorumNode group = ParseGroup(fields, number, names);
                    names[group.Name] = group;
                    break;
                case "quorum":
                    if (quorum is not null)
                    {
                        throw new FormatException($"line {number}: a policy has exactly one quorum line; this is the second.");
                    }

                    if (fields.Length != 2)
                    {
                        throw new FormatException($"line {number}: the quorum line is 'quorum <name>'; it has {fields.Length - 1} fields after the keyword.");
                    }

                    quorum = names.TryGetValue(fields[1], out QuorumNode? node)
                        ? node
                        : throw new FormatException($"line {number}: the quorum names '{fields[1]}', which no earlier witness or group line defines.");
                    break;
                default:
                    throw new FormatException(
                        $"line {number}: unknown keyword '{fields[0]}'; a policy line starts with log, witness, group, quorum or '#'.");
            }
        }

        return quorum is null
            ? throw new FormatException("The policy has no quorum line: add 'quorum <name>' (or 'quorum none' to require no cosignatures).")
            : new WitnessPolicy(logs, witnesses, quorum);
    }

    /// <summary>Whether cosignatures by the given witnesses meet the quorum.</summary>
    /// <param name="cosigners">The witnesses whose valid cosignatures were found.</param>
    /// <returns><see langword="true"/> when the quorum rule is satisfied.</returns>
    public bool IsQuorumMet(IEnumerable<CosignatureVerifier> cosigners)
    {
        ArgumentNullException.ThrowIfNull(cosigners);
        return _quorum.IsSatisfiedBy(cosigners.Select(c => c.VerifierKey).ToHashSet(StringComparer.Ordinal));
    }

    private static NoteVerifier ParseLog(string[] fields, int number, List<NoteVerifier> logs)
    {
        if (fields.Length is < 2 or > 3)
        {
            throw new FormatException($"line {number}: a log line is 'log <vkey> [<url>]'; it has {fields.Length - 1} fields after the keyword.");
        }

        NoteVerifier log;
        try
        {
            log = NoteVerifier.Parse(fields[1]);
        }
        catch (FormatException e)
        {
            throw new FormatException($"line {number}: the log key is invalid: {e.Message}", e);
        }

        if (logs.Any(l => string.Equals(l.VerifierKey.Split('+', 3)[2], log.VerifierKey.Split('+', 3)[2], StringComparison.Ordinal)))
        {
            throw new FormatException($"line {number}: the log key of '{log.Name}' is listed twice.");
        }

        ParseUrl(fields, 2, number);
        return log;
    }

    private static PolicyWitness ParseWitness(string[] fields, int number, List<PolicyWitness> witnesses, Dictionary<string, QuorumNode> names)
    {
        if (fields.Length is < 3 or > 4)
        {
            throw new FormatException(
                $"line {number}: a witness line is 'witness <name> <vkey> [<url>]'; it has {fields.Length - 1} fields after the keyword.");
        }

        string name = fields[1];
        if (names.ContainsKey(name))
        {
            throw new FormatException($"line {number}: the name '{name}' is already defined (witness and group names share one namespace; 'none' is reserved).");
        }

        CosignatureVerifier verifier;
        try
        {
            verifier = CosignatureVerifier.Parse(fields[2]);
        }
        catch (FormatException e)
        {
            throw new FormatException($"line {number}: the key of witness '{name}' is invalid: {e.Message}", e);
        }

        if (witnesses.FirstOrDefault(w => w.Verifier.PublicKey.AsSpan().SequenceEqual(verifier.PublicKey)) is { } duplicate)
        {
            throw new FormatException($"line {number}: witness '{name}' has the same public key as witness '{duplicate.Name}'.");
        }

        return new PolicyWitness(name, verifier, ParseUrl(fields, 3, number));
    }

    private static QuorumNode ParseGroup(string[] fields, int number, Dictionary<string, QuorumNode> names)
    {
        if (fields.Length < 4)
        {
            throw new FormatException($"line {number}: a group line is 'group <name> <k|all|any> <member>...' with at least one member.");
        }

        string name = fields[1];
        if (names.ContainsKey(name))
        {
            throw new FormatException($"line {number}: the name '{name}' is already defined (witness and group names share one namespace; 'none' is reserved).");
        }

        var members = new List<QuorumNode>();
        foreach (string member in fields[3..])
        {
            if (member == "none" || !names.TryGetValue(member, out QuorumNode? node))
            {
                throw new FormatException($"line {number}: group '{name}' lists '{member}', which no earlier witness or group line defines.");
            }

            if (members.Contains(node))
            {
                throw new FormatException($"line {number}: group '{name}' lists '{member}' twice.");
            }

            members.Add(node);
        }

        int threshold = fields[2] switch
        {
            "all" => members.Count,
            "any" => 1,
            _ when AddCheckpointRequest.TryParseCanonicalSize(fields[2], out long k) && k >= 1 && k <= members.Count => (int)k,
            _ => throw new FormatException(
                $"line {number}: the threshold of group '{name}' is '{fields[2]}'; it must be 'all', 'any' or a decimal from 1 to {members.Count} (its member count)."),
        };

        return QuorumNode.ForGroup(name, threshold, members);
    }

    private static Uri? ParseUrl(string[] fields, int index, int number)
    {
        if (fields.Length <= index)
        {
            return null;
        }

        return Uri.TryCreate(fields[index], UriKind.Absolute, out Uri? url)
            ? url
            : throw new FormatException($"line {number}: '{fields[index]}' is not an absolute URL.");
    }

    private static void CheckCharacters(string line, int number)
    {
        foreach (char c in line)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7F)
            {
                string hint = c == '\r' ? "; save the file with LF line endings" : string.Empty;
                throw new FormatException($"line {number}: the control character U+{(int)c:X4} is not allowed (only tab and newline are){hint}.");
            }
        }
    }
}
