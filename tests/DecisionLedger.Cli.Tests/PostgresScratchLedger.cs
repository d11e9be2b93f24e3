using System.Globalization;
using System.Text;
using Npgsql;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// A ledger on the real PostgreSQL server for one test: a scratch schema migrated by the owner, an application role
/// the CLI records through (<c>--store postgres</c>), and owner access behind the append-only triggers for tampering.
/// Dropped (schema and role) on dispose. Does nothing when <c>DLEDGER_TEST_POSTGRES</c> is unset; the tests using it
/// are <see cref="PostgresFactAttribute"/> and are skipped then.
/// </summary>
internal sealed class PostgresScratchLedger : IAsyncDisposable
{
    private const string Variable = "DLEDGER_TEST_POSTGRES";
    private const string DatabaseName = "dledger_cli_tests";
    private readonly TempLedger _temp = new();

    private PostgresScratchLedger()
    {
    }

    /// <summary>The scratch schema's name (unquoted).</summary>
    public string Schema { get; } = "cli_" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>The application role the CLI connects as.</summary>
    public string Role { get; } = "dledger_cli_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>The CLI options naming this ledger: directory, <c>--store postgres</c>, the app role's connection, the schema.</summary>
    public string[] Store { get; private set; } = [];

    /// <summary>The ledger directory (config, keys).</summary>
    public string Directory => _temp.Ledger;

    /// <summary>The temporary root, for bundles.</summary>
    public string Root => _temp.Root;

    /// <summary>The owner's connection string, to the tests' database.</summary>
    public static string Owner => new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(Variable)) { Database = DatabaseName, PersistSecurityInfo = true }.ConnectionString;

    /// <summary>Creates the tests' database if needed, migrates a scratch schema and gives its app role a password.</summary>
    public static async Task<PostgresScratchLedger> CreateAsync()
    {
        var ledger = new PostgresScratchLedger();
        await using (var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(Variable)))
        {
            await connection.OpenAsync();
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName};", connection);
                await create.ExecuteNonQueryAsync();
            }
            catch (PostgresException exception) when (exception.SqlState is "42P04" or "23505")
            {
                // It exists already, or another test created it at the same moment.
            }
        }

        CliResult migrate = await CliRun.RunAsync("migrate", "--connection", Owner, "--schema", ledger.Schema, "--app-role", ledger.Role, "--json");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        await ledger.ExecuteAsOwnerAsync($"ALTER ROLE \"{ledger.Role}\" PASSWORD 'cli-secret';");
        string app = new NpgsqlConnectionStringBuilder(Owner) { Username = ledger.Role, Password = "cli-secret", PersistSecurityInfo = true }.ConnectionString;
        ledger.Store = ["--ledger", ledger.Directory, "--store", "postgres", "--connection", app, "--schema", ledger.Schema];
        return ledger;
    }

    /// <summary>Runs <c>dledger init</c> on the store, with entry format 2 when <paramref name="v2"/>.</summary>
    public async Task InitAsync(bool v2)
    {
        string[] format = v2 ? ["--entry-format", "2"] : [];
        CliResult init = await CliRun.RunAsync(["init", "--origin", "t.example/pg-v2", .. format, .. Store]);
        Assert.True(init.ExitCode == 0, init.ToString());
    }

    /// <summary>Switches the ledger's config to entry format 2, as an operator does by editing <c>ledger.json</c>.</summary>
    public void SwitchConfigToV2()
    {
        string config = Path.Combine(Directory, "ledger.json");
        string text = File.ReadAllText(config);
        Assert.Contains("\"entryFormat\": 1", text, StringComparison.Ordinal);
        File.WriteAllText(config, text.Replace("\"entryFormat\": 1", "\"entryFormat\": 2", StringComparison.Ordinal));
    }

    /// <summary>Records one decision per pair through <c>dledger record</c>, each with a distinct input.</summary>
    public async Task RecordAsync(params (string? Subject, string Model)[] decisions)
    {
        var lines = new StringBuilder();
        foreach ((string? subject, string model) in decisions)
        {
            string subjectPart = subject is null ? string.Empty : $",\"subject\":{{\"id\":\"{subject}\"}}";
            lines.Append(CultureInfo.InvariantCulture, $"{{\"model\":{{\"name\":\"{model}\",\"version\":\"1.0\"}},\"input\":{{\"amount\":{lines.Length}}},\"output\":{{\"score\":0.5}}{subjectPart}}}\n");
        }

        CliResult record = await CliRun.RunWithInputAsync(lines.ToString(), null, ["record", "-", .. Store]);
        Assert.True(record.ExitCode == 0, record.ToString());
    }

    /// <summary>Runs <c>dledger verify</c> on the store.</summary>
    public Task<CliResult> VerifyAsync(params string[] extra) => CliRun.RunAsync(["verify", .. Store, .. extra]);

    /// <summary>Exports a bundle with <paramref name="filter"/> and returns its directory.</summary>
    public async Task<string> ExportAsync(params string[] filter)
    {
        string bundle = Path.Combine(Root, "bundle-" + Guid.NewGuid().ToString("N"));
        CliResult export = await CliRun.RunAsync(["export", "--out", bundle, .. Store, .. filter]);
        Assert.True(export.ExitCode == 0, export.ToString());
        return bundle;
    }

    /// <summary>Verifies a bundle offline with the ledger's public key.</summary>
    public async Task<CliResult> VerifyBundleAsync(string bundle, params string[] extra)
    {
        CliResult key = await CliRun.RunAsync("key", "--ledger", Directory);
        Assert.True(key.ExitCode == 0, key.ToString());
        return await CliRun.RunAsync(["verify", "--bundle", bundle, "--key", key.Out.Trim(), .. extra]);
    }

    /// <summary>Every stored entry body, by seq, read as the owner.</summary>
    public async Task<List<(long Seq, string Body)>> ReadBodiesAsync()
    {
        var bodies = new List<(long, string)>();
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT seq, body FROM \"{Schema}\".entries ORDER BY seq;", connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            bodies.Add((reader.GetInt64(0), Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(1))));
        }

        return bodies;
    }

    /// <summary>
    /// As the owner, with the append-only triggers of <c>entries</c> (and its partitions) disabled, replaces the
    /// stored body of <paramref name="seq"/>; with <paramref name="rehashLeaf"/> the stored leaf hash is recomputed
    /// from the new body too, as an owner covering their tracks would.
    /// </summary>
    public async Task ReplaceBodyAsync(long seq, string body, bool rehashLeaf)
    {
        string table = $"\"{Schema}\".entries";
        string leaf = rehashLeaf ? ", leaf_hash = sha256('\\x00'::bytea || @body)" : string.Empty;
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
        await using (var disable = new NpgsqlCommand($"ALTER TABLE {table} DISABLE TRIGGER USER;", connection, transaction))
        {
            await disable.ExecuteNonQueryAsync();
        }

        await using (var update = new NpgsqlCommand($"UPDATE {table} SET body = @body{leaf} WHERE seq = @seq;", connection, transaction))
        {
            update.Parameters.AddWithValue("body", Encoding.UTF8.GetBytes(body));
            update.Parameters.AddWithValue("seq", seq);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        await using (var enable = new NpgsqlCommand($"ALTER TABLE {table} ENABLE TRIGGER USER;", connection, transaction))
        {
            await enable.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>
    /// The tables of the schema (partitions included) holding <paramref name="text"/> in any row, as text or as the
    /// hex of its UTF-8 bytes (how a <c>bytea</c> column, e.g. an entry body, prints inside a row).
    /// </summary>
    public async Task<List<string>> TablesContainingAsync(string text)
    {
        string hex = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));
        var tables = new List<string>();
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @schema AND c.relkind IN ('r', 'p', 'm') ORDER BY 1;",
            connection))
        {
            list.Parameters.AddWithValue("schema", Schema);
            await using NpgsqlDataReader reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Contains("subjects", names);
        Assert.Contains("entries", names);
        foreach (string name in names)
        {
            await using var probe = new NpgsqlCommand(
                $"SELECT count(*) FROM \"{Schema}\".\"{name}\" t WHERE strpos(lower(t::text), lower(@text)) > 0 OR strpos(t::text, @hex) > 0;",
                connection);
            probe.Parameters.AddWithValue("text", text);
            probe.Parameters.AddWithValue("hex", hex);
            if ((long)(await probe.ExecuteScalarAsync())! > 0)
            {
                tables.Add(name);
            }
        }

        return tables;
    }

    /// <summary>Runs <paramref name="sql"/> as the owner.</summary>
    public async Task ExecuteAsOwnerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsOwnerAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE; DROP ROLE IF EXISTS \"{Role}\";");
        }
        finally
        {
            _temp.Dispose();
        }
    }
}
