namespace DecisionLedger.Packaging.Tests;

/// <summary>What a finished child process did, printable as a failure message.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() =>
        $"`{CommandLine}` exited {ExitCode} after {Elapsed.TotalSeconds:F1} s:\n{Output}";
}
