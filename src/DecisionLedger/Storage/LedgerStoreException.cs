namespace DecisionLedger.Storage;

/// <summary>
/// A store failed: it cannot be opened, written or read. The message names the path or
/// resource and says what to do; the CLI maps it to exit code 3.
/// </summary>
public sealed class LedgerStoreException : Exception
{
    /// <summary>Creates the exception with a message a user understands.</summary>
    public LedgerStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public LedgerStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message; prefer the overloads that explain.</summary>
    public LedgerStoreException()
    {
    }
}
