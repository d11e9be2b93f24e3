using Npgsql;

namespace DecisionLedger.PostgreSql;

/// <summary>Checks connection strings and names the server, database and schema in messages (never the password).</summary>
internal static class PostgreSqlTarget
{
    /// <summary>Parses a connection string, so a malformed one fails here with the field named; returns it unchanged.</summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed or names no host.</exception>
    public static string Normalize(string connectionString, string field)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException(
                $"{field}: not a valid PostgreSQL connection string ({exception.Message}); expected e.g. 'Host=127.0.0.1;Port=5432;Username=dledger_app;Password=…;Database=ledger'.",
                field,
                exception);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException($"{field}: the connection string names no Host; add e.g. 'Host=127.0.0.1'.", field);
        }

        return connectionString;
    }

    /// <summary>Returns <c>host:port/database (schema s)</c> for a normalized connection string.</summary>
    public static string Describe(string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        string database = builder.Database ?? builder.Username ?? "(default database)";
        return $"PostgreSQL {builder.Host}:{builder.Port}/{database} (schema {schema})";
    }
}
