using DecisionLedger.Store.ContractTests.Skipping;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>Skips the inherited store contract at run time, with the reason, when no PostgreSQL is configured.</summary>
public sealed class PostgresRequiredAttribute : ContractSkipAttribute
{
    /// <inheritdoc />
    public override string? Reason => PostgresServer.SkipReason;
}
