namespace DecisionLedger.PostgreSql.Tests;

/// <summary>A fact that needs the real PostgreSQL named by DLEDGER_TEST_POSTGRES: skipped with the reason when it is unset, unless CI requires services.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when no PostgreSQL is configured and services are not required.</summary>
    public PostgresFactAttribute()
    {
        if (PostgresServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
