namespace DecisionLedger.Cli;

/// <summary>The process exit codes of <c>dledger</c> (shared/DESIGN.md, "CLI and evidence bundle").</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>Verification failed or tampering was found.</summary>
    public const int VerificationFailed = 1;

    /// <summary>Bad usage or bad input; the message names the field.</summary>
    public const int BadInput = 2;

    /// <summary>The store or the file system failed; the message names the path.</summary>
    public const int StoreFailure = 3;
}
