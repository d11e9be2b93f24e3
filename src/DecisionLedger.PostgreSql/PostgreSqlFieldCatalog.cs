using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The field catalog in PostgreSQL: the <c>field_paths(model, path)</c> table that lists, per model,
/// the paths <c>--where</c> may name. Appends add to it in their own transaction; the migration that
/// creates it fills it from the entries already stored.
/// </summary>
internal static class PostgreSqlFieldCatalog
{
    /// <summary>Inserts the pairs not stored yet (ON CONFLICT DO NOTHING needs INSERT only) in one statement.</summary>
    public static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, IReadOnlyList<(string Model, string Path)> pairs, CancellationToken cancellationToken)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { InsertCommand(schema, pairs) } };
        await using var batchScope = batch.ConfigureAwait(false);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The statement that inserts <paramref name="pairs"/> not stored yet, for a batch.</summary>
    public static NpgsqlBatchCommand InsertCommand(string schema, IReadOnlyList<(string Model, string Path)> pairs) =>
        new($"INSERT INTO {schema}.field_paths(model, path) SELECT * FROM unnest($1, $2) ON CONFLICT (model, path) DO NOTHING;")
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>(string.Empty, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. pairs.Select(p => p.Model)] },
                new NpgsqlParameter<string[]>(string.Empty, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. pairs.Select(p => p.Path)] },
            },
        };

    /// <summary>The catalog's paths for <paramref name="modelName"/> (every model when null), sorted ordinally.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(NpgsqlConnection connection, string schema, string? modelName, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            modelName is null
                ? $"SELECT DISTINCT path FROM {schema}.field_paths;"
                : $"SELECT path FROM {schema}.field_paths WHERE model = @model;",
            connection);
        await using var commandScope = command.ConfigureAwait(false);
        if (modelName is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("model", NpgsqlDbType.Text) { TypedValue = modelName });
        }

        var paths = new List<string>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                paths.Add(reader.GetString(0));
            }
        }

        // Sorted here, not by ORDER BY: the database's collation would not be ordinal.
        paths.Sort(StringComparer.Ordinal);
        return paths;
    }

    /// <summary>
    /// Fills the catalog from every stored entry and input (a migration step, inside its
    /// transaction). Reads the whole ledger once: fine for the ledgers that predate the catalog;
    /// on a very large one, expect the migration to take as long as a full read.
    /// </summary>
    public static async Task BackfillAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        var byModel = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var read = new NpgsqlCommand(
            $"SELECT e.model, e.body, i.input FROM {schema}.entries e LEFT JOIN {schema}.inputs i ON i.seq = e.seq;", connection, transaction);
        await using (read.ConfigureAwait(false))
        {
            NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    string model = reader.IsDBNull(0) ? "" : reader.GetString(0);
                    if (!byModel.TryGetValue(model, out HashSet<string>? paths))
                    {
                        paths = new HashSet<string>(StringComparer.Ordinal);
                        byModel[model] = paths;
                    }

                    FieldPathCollector.CollectEntry(reader.GetFieldValue<byte[]>(1), paths);
                    if (!reader.IsDBNull(2))
                    {
                        FieldPathCollector.CollectInput(reader.GetFieldValue<byte[]>(2), paths);
                    }
                }
            }
        }

        await InsertAsync(connection, transaction, schema, Pairs(byModel), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flattens model → paths into (model, path) pairs.</summary>
    public static List<(string Model, string Path)> Pairs(IReadOnlyDictionary<string, HashSet<string>> byModel) =>
        [.. byModel.SelectMany(pair => pair.Value.Select(path => (pair.Key, path)))];
}
