using Npgsql;

namespace DecisionLedger.PostgreSql;

/// <summary>One versioned step of the ledger schema: its number, a description, its DDL for a given schema name, and an optional data step.</summary>
/// <param name="Version">The version this step brings the schema to; versions count up from 1.</param>
/// <param name="Description">What the step does, stored in <c>schema_migrations</c>.</param>
/// <param name="Sql">The DDL for a validated, already quoted schema identifier.</param>
/// <param name="After">Runs after the DDL in the same transaction (e.g. a backfill), given the connection, transaction and quoted schema; null for none.</param>
internal sealed record PostgreSqlMigration(
    int Version,
    string Description,
    Func<string, string> Sql,
    Func<NpgsqlConnection, NpgsqlTransaction, string, CancellationToken, Task>? After = null);
