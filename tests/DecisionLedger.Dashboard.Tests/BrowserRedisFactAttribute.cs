namespace DecisionLedger.Dashboard.Tests;

/// <summary>A browser test that also needs a Redis (<c>DLEDGER_TEST_REDIS</c>): skipped with the reason when it is unset, except under <c>DLEDGER_TEST_REQUIRE_SERVICES=1</c>.</summary>
public sealed class BrowserRedisFactAttribute : FactAttribute
{
    public BrowserRedisFactAttribute()
    {
        Skip = new BrowserFactAttribute().Skip;
        if (Skip is null && Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") != "1" && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DLEDGER_TEST_REDIS")))
        {
            Skip = "DLEDGER_TEST_REDIS is not set (source .ci/services.sh); the buffer-mode dashboard test needs a Redis.";
        }
    }
}
