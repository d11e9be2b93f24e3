namespace DecisionLedger.Redis.Tests;

/// <summary>
/// The real servers of .ci/services.sh, found through environment variables. Missing ones skip the
/// test with the reason, except under DLEDGER_TEST_REQUIRE_SERVICES=1 (CI), where the test runs and fails.
/// </summary>
internal static class Services
{
    public static string? Redis => Environment.GetEnvironmentVariable("DLEDGER_TEST_REDIS");

    public static string? Postgres => Environment.GetEnvironmentVariable("DLEDGER_TEST_POSTGRES");

    public static string? RedisServer => Environment.GetEnvironmentVariable("DLEDGER_TEST_REDIS_SERVER");

    public static bool Required => Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") == "1";

    public static string? SkipReason(params string[] variables)
    {
        var missing = variables.Where(v => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))).ToList();
        if (missing.Count == 0 || Required)
        {
            return null;
        }

        return $"needs a real server: set {string.Join(", ", missing)} (source .ci/services.sh)";
    }

    public static string RequireRedis() => Redis ?? throw new InvalidOperationException("DLEDGER_TEST_REDIS is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh.");

    public static string RequirePostgres() => Postgres ?? throw new InvalidOperationException("DLEDGER_TEST_POSTGRES is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh.");

    public static string RequireRedisServer() => RedisServer ?? throw new InvalidOperationException("DLEDGER_TEST_REDIS_SERVER is not set but DLEDGER_TEST_REQUIRE_SERVICES=1: source .ci/services.sh.");
}

/// <summary>A fact that needs the shared Redis (DLEDGER_TEST_REDIS).</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        Skip = Services.SkipReason("DLEDGER_TEST_REDIS");
    }
}

/// <summary>A fact that needs the shared PostgreSQL (DLEDGER_TEST_POSTGRES).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = Services.SkipReason("DLEDGER_TEST_POSTGRES");
    }
}

/// <summary>A fact that needs Redis and PostgreSQL (DLEDGER_TEST_REDIS, DLEDGER_TEST_POSTGRES).</summary>
public sealed class RedisAndPostgresFactAttribute : FactAttribute
{
    public RedisAndPostgresFactAttribute()
    {
        Skip = Services.SkipReason("DLEDGER_TEST_REDIS", "DLEDGER_TEST_POSTGRES");
    }
}

/// <summary>A fact that runs (and kills) its own redis-server (DLEDGER_TEST_REDIS_SERVER).</summary>
public sealed class RedisServerFactAttribute : FactAttribute
{
    public RedisServerFactAttribute()
    {
        Skip = Services.SkipReason("DLEDGER_TEST_REDIS_SERVER");
    }
}

/// <summary>A fact that runs (and crashes) its own PostgreSQL cluster and uses the shared Redis (DLEDGER_TEST_PG_BINDIR, DLEDGER_TEST_REDIS).</summary>
public sealed class PrivatePostgresAndRedisFactAttribute : FactAttribute
{
    public PrivatePostgresAndRedisFactAttribute()
    {
        Skip = Services.SkipReason("DLEDGER_TEST_PG_BINDIR", "DLEDGER_TEST_REDIS");
    }
}
