using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Writes the field catalog (<c>field_paths</c>: which where-paths each model's entries and inputs
/// hold) on the writer connection, remembering what is stored so an append writes only paths it
/// has not seen (usually none). Not thread-safe: the store serializes calls.
/// </summary>
internal sealed class SqliteFieldCatalogWriter : IDisposable
{
    /// <summary>The most catalog paths kept per model; beyond it new paths are not recorded (a query on one is then refused as unknown).</summary>
    public const int MaxPathsPerModel = 10_000;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertPath;
    private readonly SqliteParameter _pathModel;
    private readonly SqliteParameter _pathText;

    // The field catalog as stored, so indexing only writes paths it has not seen (usually none).
    private readonly Dictionary<string, HashSet<string>> _knownPaths = new(StringComparer.Ordinal);

    /// <param name="connection">The writer connection (owned by <see cref="SqliteWriter"/>).</param>
    public SqliteFieldCatalogWriter(SqliteConnection connection)
    {
        _connection = connection;
        _insertPath = Command("INSERT OR IGNORE INTO field_paths(model, path) VALUES (@model, @path);");
        _pathModel = _insertPath.Parameters.Add("@model", SqliteType.Text);
        _pathText = _insertPath.Parameters.Add("@path", SqliteType.Text);
        LoadKnownPaths();
    }

    /// <summary>Makes the insert run in <paramref name="transaction"/>.</summary>
    public void Enlist(SqliteTransaction? transaction) => _insertPath.Transaction = transaction;

    /// <summary>Inserts the paths of <paramref name="byModel"/> not stored yet (bounded per model) in the enlisted transaction; returns them, to <see cref="Remember"/> after the commit.</summary>
    public List<(string Model, string Path)> InsertNew(IReadOnlyDictionary<string, HashSet<string>> byModel)
    {
        var inserted = new List<(string, string)>();
        foreach ((string model, HashSet<string> paths) in byModel)
        {
            _knownPaths.TryGetValue(model, out HashSet<string>? known);
            int room = MaxPathsPerModel - (known?.Count ?? 0);
            foreach (string path in paths)
            {
                if (room <= 0)
                {
                    break;
                }

                if (known is not null && known.Contains(path))
                {
                    continue;
                }

                _pathModel.Value = model;
                _pathText.Value = path;
                _insertPath.ExecuteNonQuery();
                inserted.Add((model, path));
                room--;
            }
        }

        return inserted;
    }

    /// <summary>
    /// Fills the field catalog from every stored entry and input, in one transaction: run once when
    /// a ledger written before the catalog existed is first opened writable.
    /// </summary>
    public void Backfill()
    {
        var byModel = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using (SqliteCommand read = Command(
            "SELECT e.model, e.body, i.input FROM entries e LEFT JOIN inputs i ON i.seq = e.seq ORDER BY e.seq;"))
        using (SqliteDataReader reader = read.ExecuteReader())
        {
            while (reader.Read())
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

        using SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        Enlist(transaction);
        List<(string Model, string Path)> newPaths = InsertNew(byModel);
        transaction.Commit();
        Enlist(null);
        Remember(newPaths);
    }

    // Only after commit: a rolled-back transaction must not leave paths the file does not hold.
    public void Remember(List<(string Model, string Path)> paths)
    {
        foreach ((string model, string path) in paths)
        {
            if (!_knownPaths.TryGetValue(model, out HashSet<string>? known))
            {
                known = new HashSet<string>(StringComparer.Ordinal);
                _knownPaths[model] = known;
            }

            known.Add(path);
        }
    }

    /// <summary>Drops paths an erasure deleted from the table (after its commit), so a later input holding one writes it again.</summary>
    public void Forget(List<(string Model, string Path)> paths)
    {
        foreach ((string model, string path) in paths)
        {
            if (_knownPaths.TryGetValue(model, out HashSet<string>? known))
            {
                known.Remove(path);
            }
        }
    }

    private void LoadKnownPaths()
    {
        using SqliteCommand read = Command("SELECT model, path FROM field_paths;");
        using SqliteDataReader reader = read.ExecuteReader();
        var paths = new List<(string, string)>();
        while (reader.Read())
        {
            paths.Add((reader.GetString(0), reader.GetString(1)));
        }

        Remember(paths);
    }

    public void Dispose() => _insertPath.Dispose();

    private SqliteCommand Command(string sql)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
