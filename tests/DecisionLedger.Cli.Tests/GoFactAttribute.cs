namespace DecisionLedger.Cli.Tests;

/// <summary>
/// A fact that runs Go's <c>sumdb/tlog</c> client: skipped, with the reason, when <c>go</c> is not installed, unless CI
/// requires services (<c>DLEDGER_TEST_REQUIRE_SERVICES=1</c>; .ci/services.sh installs golang-go and golang-golang-x-mod-dev).
/// </summary>
public sealed class GoFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when no Go toolchain with golang.org/x/mod is found.</summary>
    public GoFactAttribute()
    {
        if (GoTlogFollow.MissingReason() is { } reason && Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") != "1")
        {
            Skip = reason;
        }
    }
}
