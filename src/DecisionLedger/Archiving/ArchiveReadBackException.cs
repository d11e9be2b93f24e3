namespace DecisionLedger.Archiving;

/// <summary>An archive file did not read back as written: the live store was left untouched and no <c>archived</c> event was recorded.</summary>
public sealed class ArchiveReadBackException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The archive file's relative path.</param>
    /// <param name="message">What differed; it names the file and, where one is at fault, the seq.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ArchiveReadBackException(string file, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        File = file;
    }

    /// <summary>The archive file's relative path.</summary>
    public string File { get; }
}
