using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// Reads an existing SQL audit table, one decision a row, from SQLite (<c>--source "Data Source=…"</c>, opened
/// read-only) or PostgreSQL (<c>--source "Host=…"</c>), in timestamp order. Columns are mapped by
/// <see cref="AuditTableColumns"/>; <c>input_data</c> and <c>output_data</c> hold JSON text (or any text, or bytes).
/// </summary>
internal sealed class AuditTableReader : IImportReader
{
    /// <summary>The <c>--format</c> name.</summary>
    public const string FormatName = "audit-table";

    private readonly DbConnection _connection;
    private readonly string _table;
    private readonly AuditTableColumns _columns;
    private readonly string _database;
    private long _position;

    private AuditTableReader(DbConnection connection, string database, string table, AuditTableColumns columns)
    {
        _connection = connection;
        _database = database;
        _table = table;
        _columns = columns;
    }

    /// <inheritdoc />
    public string Format => FormatName;

    /// <inheritdoc />
    public string Source => $"{_database} table {_table}";

    /// <inheritdoc />
    public long Length { get; private set; }

    /// <inheritdoc />
    public long Position => _position;

    /// <summary>Opens the database named by <paramref name="source"/>.</summary>
    /// <exception cref="CliException">The connection string is neither SQLite's nor PostgreSQL's, or the database cannot be opened (exit 2 or 3).</exception>
    public static async Task<AuditTableReader> OpenAsync(string source, string table, AuditTableColumns columns, CancellationToken cancellationToken)
    {
        SqlIdentifier.QuoteTable(table);
        DbConnection connection;
        string database;
        try
        {
            if (source.Contains("Host=", StringComparison.OrdinalIgnoreCase))
            {
                var builder = new NpgsqlConnectionStringBuilder(source);
                database = $"postgresql://{builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}/{builder.Database}";
                connection = new NpgsqlConnection(source);
            }
            else if (source.Contains("Data Source=", StringComparison.OrdinalIgnoreCase))
            {
                var builder = new SqliteConnectionStringBuilder(source) { Mode = SqliteOpenMode.ReadOnly };
                string path = Path.GetFullPath(builder.DataSource);
                if (!File.Exists(path))
                {
                    throw new CliException(ExitCodes.BadInput, $"--source: {path}: no such SQLite database.");
                }

                builder.DataSource = path;
                database = "sqlite:" + path;
                connection = new SqliteConnection(builder.ConnectionString);
            }
            else
            {
                throw new CliException(ExitCodes.BadInput, "--source: not a connection string this command reads; pass \"Data Source=audit.db\" (SQLite) or \"Host=…;Database=…;Username=…\" (PostgreSQL).");
            }
        }
        catch (ArgumentException exception)
        {
            throw new CliException(ExitCodes.BadInput, "--source: " + exception.Message, exception);
        }

        var reader = new AuditTableReader(connection, database, table, columns);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw new CliException(ExitCodes.StoreFailure, $"--source: cannot open {database}: {exception.Message}", exception);
        }

        return reader;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ImportRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string table = SqlIdentifier.QuoteTable(_table);
        Dictionary<string, string> present = await ColumnsAsync(table, cancellationToken).ConfigureAwait(false);
        var selected = new List<string>();
        foreach (string field in AuditTableColumns.Fields)
        {
            if (present.TryGetValue(_columns[field], out string? actual))
            {
                selected.Add(field);
                present[field + "\0"] = actual;
            }
            else if (!AuditTableColumns.Optional.Contains(field))
            {
                throw new CliException(ExitCodes.BadInput, $"--table {_table}: has no column '{_columns[field]}' for {field}; map it with --column {field}=COLUMN.");
            }
        }

        string Column(string field) => SqlIdentifier.Quote(present[field + "\0"]);
        await using (DbCommand count = Command($"SELECT count(*) FROM {table}"))
        {
            Length = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        await using DbCommand select = Command($"SELECT {string.Join(", ", selected.Select(Column))} FROM {table} ORDER BY {Column("timestamp")}, {Column("request_id")}");
        await using DbDataReader rows = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _position++;
            string location = $"row {_position.ToString(CultureInfo.InvariantCulture)}";
            ImportRecord record;
            try
            {
                record = Read(rows, selected, ref location);
            }
            catch (ImportFieldException exception)
            {
                record = ImportRecord.Bad(location, exception.Field, exception.Reason);
            }

            yield return record;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private ImportRecord Read(DbDataReader rows, List<string> selected, ref string location)
    {
        object?[] values = new object?[selected.Count];
        for (int i = 0; i < selected.Count; i++)
        {
            values[i] = rows.IsDBNull(i) ? null : Value(rows, i, selected[i]);
        }

        object? Get(string field) => selected.IndexOf(field) is >= 0 and var index ? values[index] : null;
        string requestId = Text(Get("request_id"), _columns["request_id"]);
        location += $" (request_id '{requestId}')";
        (DateTimeOffset time, string originalTime) = Timestamp(Get("timestamp"), _columns["timestamp"]);
        var decision = new JsonObject
        {
            ["requestId"] = requestId,
            ["timestamp"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["model"] = new JsonObject { ["name"] = Text(Get("model_name"), _columns["model_name"]), ["version"] = Text(Get("model_version"), _columns["model_version"]) },
            ["input"] = Payload(Get("input_data"), _columns["input_data"]),
            ["output"] = Payload(Get("output_data"), _columns["output_data"]),
        };
        if (Get("user_id") is { } user)
        {
            decision["actor"] = new JsonObject { ["userId"] = Text(user, _columns["user_id"]) };
        }

        if (Get("latency_ms") is { } latency)
        {
            decision["latencyMs"] = Latency(latency, _columns["latency_ms"]);
        }

        if (Get("metadata") is { } metadata)
        {
            string column = _columns["metadata"];
            string text = metadata is SqliteText raw ? raw.Decode(column) : Text(metadata, column);
            decision["metadata"] = MetadataObject(text, column);
        }

        var origin = new JsonObject
        {
            ["database"] = _database,
            ["table"] = _table,
            ["row"] = _position,
            ["requestId"] = requestId,
            ["timestamp"] = originalTime,
        };
        return new ImportRecord(location) { Decision = decision, Origin = origin };
    }

    // SQLite's text is read as bytes, so text that is not UTF-8 is refused instead of decoded into U+FFFD.
    private static object? Value(DbDataReader rows, int ordinal, string field) =>
        rows is SqliteDataReader && field is "input_data" or "output_data" or "metadata" && rows.GetFieldType(ordinal) == typeof(string)
            ? new SqliteText(rows.GetFieldValue<byte[]>(ordinal))
            : rows.GetValue(ordinal);

    private static string Text(object? value, string column)
    {
        string? text = value switch
        {
            null => null,
            string s => s,
            SqliteText raw => raw.Decode(column),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        return string.IsNullOrWhiteSpace(text) ? throw new ImportFieldException(column, "null or empty") : text;
    }

    private static (DateTimeOffset Time, string Original) Timestamp(object? value, string column)
    {
        switch (value)
        {
            case null:
                throw new ImportFieldException(column, "null; every decision needs the time it was made");
            case DateTime dateTime:
                DateTime utc = dateTime.Kind == DateTimeKind.Local ? dateTime.ToUniversalTime() : DateTime.SpecifyKind(dateTime, DateTimeKind.Utc);
                return (new DateTimeOffset(utc), utc.ToString("O", CultureInfo.InvariantCulture));
            case DateTimeOffset offset:
                return (offset.ToUniversalTime(), offset.ToString("O", CultureInfo.InvariantCulture));
            case long or int or double or decimal:
                double seconds = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return (DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond)), seconds.ToString(CultureInfo.InvariantCulture));
            default:
                string text = Text(value, column);
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed)
                    ? (parsed, text)
                    : throw new ImportFieldException(column, $"'{text}' is not a time (ISO 8601 such as 2026-11-23 12:00:01, or Unix seconds)");
        }
    }

    private static double Latency(object value, string column)
    {
        double latency = value switch
        {
            string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
            string text => throw new ImportFieldException(column, $"'{text}' is not a number of milliseconds"),
            _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        };
        return double.IsFinite(latency) && latency >= 0 ? latency : throw new ImportFieldException(column, $"{latency.ToString(CultureInfo.InvariantCulture)} is not a duration in milliseconds (finite, 0 or more)");
    }

    private static JsonObject MetadataObject(string text, string column)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw new ImportFieldException(column, $"not valid JSON ({exception.Message})");
        }

        return node as JsonObject ?? throw new ImportFieldException(column, "not a JSON object; the ledger's metadata is an object");
    }

    private static JsonObject Payload(object? value, string column) => value switch
    {
        null => throw new ImportFieldException(column, "null; a decision needs its input and output"),
        byte[] bytes => PayloadJson.FromBytes(bytes, null),
        SqliteText raw => PayloadJson.FromText(raw.Decode(column), null),
        _ => PayloadJson.FromText(Text(value, column), null),
    };

    private async Task<Dictionary<string, string>> ColumnsAsync(string table, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            await using DbCommand probe = Command($"SELECT * FROM {table} WHERE 1 = 0");
            await using DbDataReader reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < reader.FieldCount; i++)
            {
                columns.TryAdd(reader.GetName(i), reader.GetName(i));
            }
        }
        catch (DbException exception)
        {
            throw new CliException(ExitCodes.BadInput, $"--table {_table}: cannot be read in {_database}: {exception.Message}", exception);
        }

        return columns;
    }

    private DbCommand Command(string sql)
    {
        DbCommand command = _connection.CreateCommand();
#pragma warning disable CA2100 // The SQL holds only identifiers checked and quoted by SqlIdentifier.
        command.CommandText = sql;
#pragma warning restore CA2100
        return command;
    }

    /// <summary>A SQLite text value as its stored bytes, decoded only once known to be UTF-8.</summary>
    private sealed record SqliteText(byte[] Bytes)
    {
        public string Decode(string column)
        {
            Utf8Bytes.Require(Bytes, column, "the column holds text that is not UTF-8, so it cannot be recorded as it is");
            return Encoding.UTF8.GetString(Bytes);
        }
    }
}
