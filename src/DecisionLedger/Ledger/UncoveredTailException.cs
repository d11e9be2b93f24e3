namespace DecisionLedger.Ledger;

/// <summary>
/// A recorder refused to open a ledger because entries appeared after its last clean close that
/// no signed checkpoint covers (<see cref="UncoveredTail"/>): signing a checkpoint would vouch for
/// entries no recorder wrote. The CLI maps it to exit code 1 (tampering found).
/// </summary>
public sealed class UncoveredTailException : Exception
{
    /// <summary>Creates the exception for <paramref name="tail"/>.</summary>
    public UncoveredTailException(UncoveredTail tail, string message)
        : base(message)
    {
        Tail = tail;
    }

    /// <summary>Creates the exception with a message only; prefer the overload that names the tail.</summary>
    public UncoveredTailException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public UncoveredTailException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message; prefer the overloads that explain.</summary>
    public UncoveredTailException()
    {
    }

    /// <summary>The uncovered tail, when known.</summary>
    public UncoveredTail? Tail { get; }
}
