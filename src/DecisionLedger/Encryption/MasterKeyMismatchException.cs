namespace DecisionLedger.Encryption;

/// <summary>
/// The configured master key does not open a subject's stored key: it is not the key the inputs
/// were encrypted with, or the stored key was altered. The CLI maps it to exit code 2.
/// </summary>
public sealed class MasterKeyMismatchException : Exception
{
    /// <summary>Creates the exception for <paramref name="subjectId"/>.</summary>
    /// <param name="subjectId">The subject whose key did not open.</param>
    /// <param name="detail">What failed.</param>
    /// <param name="innerException">The cryptographic failure, if any.</param>
    public MasterKeyMismatchException(string subjectId, string detail, Exception? innerException = null)
        : base($"{MasterKey.EnvironmentVariable}: the master key does not open the stored key of subject '{subjectId}' ({detail}). " +
               "Set the master key this ledger's inputs were encrypted with, or unset it to verify without checking encrypted inputs.", innerException)
    {
        SubjectId = subjectId;
    }

    /// <summary>Creates the exception with a message.</summary>
    public MasterKeyMismatchException(string message)
        : base(message)
    {
        SubjectId = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public MasterKeyMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        SubjectId = string.Empty;
    }

    /// <summary>Creates the exception with no message; prefer the overloads that explain.</summary>
    public MasterKeyMismatchException()
    {
        SubjectId = string.Empty;
    }

    /// <summary>The subject whose key did not open.</summary>
    public string SubjectId { get; }
}
