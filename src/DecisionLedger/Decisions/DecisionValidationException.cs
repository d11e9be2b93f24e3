namespace DecisionLedger.Decisions;

/// <summary>
/// A submitted decision is not acceptable. The message names where (<see cref="Path"/>), what is
/// wrong (<see cref="Problem"/>) and how to fix it (<see cref="Fix"/>):
/// <c>model.version: required; send a non-empty string, e.g. "3.2.1"</c>.
/// </summary>
/// <remarks>The CLI maps this to exit code 2 and the collector to an RFC 9457 problem (400).</remarks>
public sealed class DecisionValidationException : Exception
{
    /// <summary>Creates the exception for one problem at one place in the decision.</summary>
    /// <param name="path">Where the problem is: a JSON path such as <c>model.version</c>, <c>input.items[2]</c>, or <c>$</c> for the whole document.</param>
    /// <param name="problem">What is wrong, e.g. <c>required</c>.</param>
    /// <param name="fix">What the caller should send instead.</param>
    /// <param name="lineNumber">The 1-based NDJSON line the decision came from, if any.</param>
    public DecisionValidationException(string path, string problem, string fix, long? lineNumber = null)
        : base(Format(path, problem, fix, lineNumber))
    {
        Path = path;
        Problem = problem;
        Fix = fix;
        LineNumber = lineNumber;
    }

    /// <summary>Where the problem is, e.g. <c>explanation.attributions.amount</c>; <c>$</c> means the whole document.</summary>
    public string Path { get; }

    /// <summary>What is wrong with the value at <see cref="Path"/>.</summary>
    public string Problem { get; }

    /// <summary>What to send instead.</summary>
    public string Fix { get; }

    /// <summary>The 1-based line of an NDJSON batch the decision came from; <see langword="null"/> for a single decision.</summary>
    public long? LineNumber { get; }

    /// <summary>Returns the same problem attributed to line <paramref name="line"/> of an NDJSON batch; the message gains a <c>line N: </c> prefix.</summary>
    /// <param name="line">The 1-based line number.</param>
    /// <returns>A new exception; this one is unchanged.</returns>
    public DecisionValidationException WithLine(long line) => new(Path, Problem, Fix, line);

    private static string Format(string path, string problem, string fix, long? lineNumber) =>
        lineNumber is { } line ? $"line {line}: {path}: {problem}; {fix}" : $"{path}: {problem}; {fix}";
}
