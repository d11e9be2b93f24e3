namespace DecisionLedger.Cli.Tests.Conformance;

/// <summary>
/// A fact that runs the Python conformance checker: skipped, with the reason, when <c>python3</c> is not installed,
/// unless CI requires every service (<c>DLEDGER_TEST_REQUIRE_SERVICES=1</c>).
/// </summary>
public sealed class PythonFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when no <c>python3</c> is found.</summary>
    public PythonFactAttribute()
    {
        if (PythonChecker.MissingReason() is { } reason && Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") != "1")
        {
            Skip = reason;
        }
    }
}
