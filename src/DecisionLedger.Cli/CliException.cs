namespace DecisionLedger.Cli;

/// <summary>
/// A command failed in a way the user can act on: the exit code to return and one sentence
/// saying what went wrong and what to do. Nothing else (no stack trace) is printed.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates the failure.</summary>
    /// <param name="exitCode">One of <see cref="ExitCodes"/>.</param>
    /// <param name="message">A sentence naming the field or path, the problem and the fix.</param>
    /// <param name="innerException">The cause, if any (never printed).</param>
    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }
}
