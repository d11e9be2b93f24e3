namespace DecisionLedger.Erasure;

/// <summary>
/// An erasure named a data subject with nothing to erase: no decision is about it, or its inputs
/// were erased before. The CLI maps it to exit code 2.
/// </summary>
public sealed class UnknownSubjectException : Exception
{
    /// <summary>Creates the exception with a message naming the subject and what to do.</summary>
    public UnknownSubjectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public UnknownSubjectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message; prefer the overloads that explain.</summary>
    public UnknownSubjectException()
    {
    }
}
