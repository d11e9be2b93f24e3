namespace DecisionLedger.PostgreSql;

/// <summary>One versioned step of the ledger schema: its number, a description, and its DDL for a given schema name.</summary>
/// <param name="Version">The version this step brings the schema to; versions count up from 1.</param>
/// <param name="Description">What the step does, stored in <c>schema_migrations</c>.</param>
/// <param name="Sql">The DDL for a validated, already quoted schema identifier.</param>
internal sealed record PostgreSqlMigration(int Version, string Description, Func<string, string> Sql);
