namespace DecisionLedger.Archiving;

/// <summary>
/// An archive file cannot be trusted for reading: it is missing, unreadable, its bytes differ from
/// the digest the ledger's <c>archived</c> event commits to, or its signed manifest is missing,
/// forged or disagrees. The message names the file and says to run <c>dledger verify</c>.
/// </summary>
public sealed class ArchiveIntegrityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ArchiveIntegrityException()
        : base("An archive file cannot be trusted; run 'dledger verify'.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Names the file and the problem.</param>
    public ArchiveIntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">Names the file and the problem.</param>
    /// <param name="innerException">The cause.</param>
    public ArchiveIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
