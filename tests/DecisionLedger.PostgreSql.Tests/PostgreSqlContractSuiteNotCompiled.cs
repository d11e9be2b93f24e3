namespace DecisionLedger.PostgreSql.Tests;

/// <summary>Stands in for the store contract suite when it was not compiled (no PostgreSQL configured at build time), so the skip is visible.</summary>
public sealed class PostgreSqlContractSuiteNotCompiled
{
    /// <summary>Always skipped: says how to run the contract suite against PostgreSQL.</summary>
    [Fact(Skip = "The PostgreSQL store contract suite was not compiled: DLEDGER_TEST_POSTGRES was unset at build time. Source .ci/services.sh (or set DLEDGER_TEST_POSTGRES) and rebuild.")]
    public void ContractSuite_NeedsPostgreSql()
    {
    }
}
