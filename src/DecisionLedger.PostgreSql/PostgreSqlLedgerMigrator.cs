using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// Creates and upgrades the ledger schema, and creates the application role, over an OWNER
/// connection. The application then connects as that role, which may only INSERT and SELECT
/// entries, request ids, tiles and checkpoints.
/// </summary>
/// <remarks>
/// Migrations are versioned in <c>&lt;schema&gt;.schema_migrations</c>; running them again is a
/// no-op, and concurrent runs serialize on an advisory lock. Grants given to the application role:
/// <list type="bullet">
/// <item>USAGE on the schema;</item>
/// <item>SELECT, INSERT on <c>entries</c>, <c>request_ids</c>, <c>tiles</c>, <c>checkpoints</c>, <c>checkpoint_attestations</c>, <c>field_paths</c> (no UPDATE, DELETE, TRUNCATE);</item>
/// <item>SELECT, INSERT, DELETE on <c>inputs</c>, <c>subject_keys</c> and <c>subjects</c>: erasure deletes a data
/// subject's stored inputs, input key and subject mapping, and nothing else;</item>
/// <item>SELECT on <c>schema_migrations</c> (the store checks the version on open);</item>
/// <item>USAGE on the checkpoint id sequence, EXECUTE on <c>ensure_entry_partitions</c> (a
/// SECURITY DEFINER function that creates monthly partitions ahead of the data) and on
/// <c>erase_input_traces</c> (erasure clears the erased entries' input fingerprints and the
/// catalog paths only their inputs held), and on <c>record_archived_range</c> and
/// <c>remove_archived_bodies</c> (archiving records a range after its <c>archived</c> event and then
/// drops exactly the decision rows inside it);</item>
/// <item>SELECT on <c>archived_ranges</c>, <c>dropped_partitions</c> and <c>archived_chain_keys</c>.</item>
/// </list>
/// </remarks>
public sealed class PostgreSqlLedgerMigrator
{
    private readonly string _ownerConnectionString;
    private readonly string _schema;
    private readonly string _quoted;

    /// <summary>Creates a migrator for the ledger schema <paramref name="schema"/> reached with <paramref name="ownerConnectionString"/>.</summary>
    /// <param name="ownerConnectionString">An Npgsql connection string of a role that may create the schema (or owns it) and, to create the application role, has CREATEROLE.</param>
    /// <param name="schema">The schema holding the ledger's tables; default <c>decisionledger</c>.</param>
    /// <exception cref="ArgumentException">The connection string is empty or invalid, or the schema name is not a plain lowercase identifier.</exception>
    public PostgreSqlLedgerMigrator(string ownerConnectionString, string schema = PostgreSqlSchema.DefaultSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerConnectionString);
        _quoted = PostgreSqlSchema.Quote(schema);
        _schema = schema;
        _ownerConnectionString = PostgreSqlTarget.Normalize(ownerConnectionString, nameof(ownerConnectionString));
        Target = PostgreSqlTarget.Describe(_ownerConnectionString, schema);
    }

    /// <summary>The schema version this code creates; <see cref="MigrateAsync"/> brings the database to it.</summary>
    public static int LatestVersion => PostgreSqlSchema.Version;

    /// <summary>Where the ledger lives, for messages: <c>host:port/database (schema)</c>.</summary>
    public string Target { get; }

    /// <summary>Applies every migration the database has not seen yet, in one transaction; returns how many were applied.</summary>
    /// <exception cref="LedgerStoreException">The server cannot be reached, the role lacks permission, or the database holds a newer schema; nothing was changed.</exception>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = new NpgsqlConnection(_ownerConnectionString);
            await using var connectionScope = connection.ConfigureAwait(false);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            await ExecuteAsync(connection, transaction,
                $"SELECT pg_advisory_xact_lock(hashtextextended('decisionledger.migrate:{_schema}', 0)); " +
                $"CREATE SCHEMA IF NOT EXISTS {_quoted}; " +
                $"CREATE TABLE IF NOT EXISTS {_quoted}.schema_migrations(version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());",
                cancellationToken).ConfigureAwait(false);

            var applied = new HashSet<int>();
            var select = new NpgsqlCommand($"SELECT version FROM {_quoted}.schema_migrations;", connection, transaction);
            await using (select.ConfigureAwait(false))
            {
                NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        applied.Add(reader.GetInt32(0));
                    }
                }
            }

            int newest = applied.Count == 0 ? 0 : applied.Max();
            if (newest > LatestVersion)
            {
                throw new LedgerStoreException(
                    $"The ledger schema at {Target} has version {newest}, newer than this DecisionLedger understands ({LatestVersion}). Upgrade DecisionLedger to migrate or open it.");
            }

            int count = 0;
            foreach (PostgreSqlMigration migration in PostgreSqlSchema.Migrations)
            {
                if (applied.Contains(migration.Version))
                {
                    continue;
                }

                await ExecuteAsync(connection, transaction, migration.Sql(_quoted), cancellationToken).ConfigureAwait(false);
                if (migration.After is { } after)
                {
                    await after(connection, transaction, _quoted, cancellationToken).ConfigureAwait(false);
                }

                var record = new NpgsqlCommand(
                    $"INSERT INTO {_quoted}.schema_migrations(version, description) VALUES (@version, @description);", connection, transaction);
                await using var recordScope = record.ConfigureAwait(false);
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("description", migration.Description);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                count++;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return count;
        }
        catch (NpgsqlException exception)
        {
            throw PostgreSqlErrors.Wrap(exception, Target, "migrate the ledger schema");
        }
    }

    /// <summary>
    /// Creates the application role <paramref name="role"/> when it does not exist (LOGIN, with
    /// <paramref name="password"/> when given) and grants it exactly the rights the store needs;
    /// run <see cref="MigrateAsync"/> first. Safe to run again, e.g. after a migration.
    /// </summary>
    /// <param name="role">The role the application connects as; a plain lowercase identifier.</param>
    /// <param name="password">The role's password, set only when the role is created; null for none (e.g. peer or certificate authentication).</param>
    /// <param name="cancellationToken">Cancels the work; nothing is changed then.</param>
    /// <exception cref="ArgumentException">The role name is not a plain lowercase identifier.</exception>
    /// <exception cref="LedgerStoreException">The owner lacks CREATEROLE or ownership of the schema, or the schema was not migrated.</exception>
    public async Task GrantApplicationRoleAsync(string role, string? password, CancellationToken cancellationToken = default)
    {
        PostgreSqlSchema.Validate(role, nameof(role));
        string r = "\"" + role + "\"";
        string s = _quoted;
        try
        {
            var connection = new NpgsqlConnection(_ownerConnectionString);
            await using var connectionScope = connection.ConfigureAwait(false);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var exists = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = @role;", connection, transaction);
            await using (exists.ConfigureAwait(false))
            {
                exists.Parameters.AddWithValue("role", role);
                if ((long)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
                {
                    // The server quotes the password (format %L): it is never spliced into SQL here.
                    var create = new NpgsqlCommand("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', @role, @password);", connection, transaction);
                    await using var createScope = create.ConfigureAwait(false);
                    create.Parameters.AddWithValue("role", role);
                    create.Parameters.AddWithValue("password", (object?)password ?? DBNull.Value);
                    string sql = password is null ? $"CREATE ROLE {r} LOGIN;" : (string)(await create.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                    await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                }
            }

            await ExecuteAsync(connection, transaction, $"""
                GRANT USAGE ON SCHEMA {s} TO {r};
                GRANT SELECT, INSERT ON {s}.entries, {s}.request_ids, {s}.tiles, {s}.checkpoints, {s}.field_paths TO {r};
                GRANT SELECT, INSERT, DELETE ON {s}.inputs, {s}.subject_keys, {s}.subjects TO {r};
                GRANT SELECT, INSERT, UPDATE, DELETE ON {s}.clean_close TO {r};
                GRANT SELECT ON {s}.schema_migrations TO {r};
                GRANT USAGE ON SEQUENCE {s}.checkpoints_id_seq TO {r};
                GRANT SELECT, INSERT ON {s}.checkpoint_attestations TO {r};
                GRANT USAGE ON SEQUENCE {s}.checkpoint_attestations_id_seq TO {r};
                GRANT EXECUTE ON FUNCTION {s}.ensure_entry_partitions(timestamptz, timestamptz) TO {r};
                GRANT EXECUTE ON FUNCTION {s}.erase_input_traces(bigint[], text[], text[]) TO {r};
                GRANT SELECT ON {s}.archived_ranges, {s}.dropped_partitions, {s}.archived_chain_keys TO {r};
                GRANT EXECUTE ON FUNCTION {s}.record_archived_range(bigint, bigint, bigint, text) TO {r};
                GRANT EXECUTE ON FUNCTION {s}.remove_archived_bodies(bigint, bigint) TO {r};
                """, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw PostgreSqlErrors.Wrap(exception, Target, $"create or grant the application role '{role}'");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
