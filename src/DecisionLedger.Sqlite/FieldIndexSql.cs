using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Expression indexes on declared where-paths: one index per path over the value
/// <c>json_extract</c> reads from the entry (or, for <c>input.</c> paths, from the plaintext stored
/// input), followed by seq. SQLite uses an expression index only when a query spells the very same
/// expression, so the index definition and the query's driver both come from <see cref="Expression"/>.
/// The JSON path is spliced as a literal (an index cannot hold a parameter): it is safe because
/// <see cref="FieldPath"/>'s grammar allows no quote. The index's name carries the path, so the
/// catalog of indexed paths is <c>sqlite_master</c> itself and a dropped index is simply gone.
/// </summary>
internal static class FieldIndexSql
{
    private const string NamePrefix = "ix_field:";

    /// <summary>The table an index on <paramref name="path"/> lives on.</summary>
    public static string Table(FieldPath path) => path.IsInput ? "inputs" : "entries";

    /// <summary>The indexed expression, exactly as both the index and the queries write it.</summary>
    public static string Expression(FieldPath path)
    {
        string jsonPath = "'" + path.ToJsonPath() + "'";

        // Encrypted inputs start with 0x01, not '{': CASE keeps ciphertext away from the JSON parser
        // (an error there would fail the append), and gives NULL, which no comparison matches.
        return path.IsInput
            ? $"(CASE WHEN substr(input, 1, 1) = X'7B' THEN json_extract(CAST(input AS TEXT), {jsonPath}) END)"
            : $"json_extract(CAST(body AS TEXT), {jsonPath})";
    }

    /// <summary>The quoted name of the index of <paramref name="path"/>.</summary>
    public static string Name(FieldPath path) => $"\"{NamePrefix}{path.Text}\"";

    /// <summary>
    /// The statement creating the index of <paramref name="path"/> (idempotent). An entry path's
    /// index is (value, seq, ts): one value is in seq order (a walk newest first needs no sort), and
    /// the trailing timestamp lets a time range be checked in the index, without reading entries.
    /// </summary>
    public static string Create(FieldPath path) => path.IsInput
        ? $"CREATE INDEX IF NOT EXISTS {Name(path)} ON inputs({Expression(path)}, seq);"
        : $"CREATE INDEX IF NOT EXISTS {Name(path)} ON entries({Expression(path)}, seq, ts);";

    /// <summary>The statement dropping the index of <paramref name="path"/> (idempotent).</summary>
    public static string Drop(FieldPath path) => $"DROP INDEX IF EXISTS {Name(path)};";

    /// <summary>Creates the index of <paramref name="path"/> unless it exists.</summary>
    /// <returns>True when created.</returns>
    /// <exception cref="ArgumentException">No entry of the ledger holds the path (it is not in the field catalog).</exception>
    public static bool Add(SqliteConnection connection, SqliteTransaction transaction, FieldPath path)
    {
        if (Read(connection, transaction).Contains(path.Text, StringComparer.Ordinal))
        {
            return false;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM field_paths WHERE path = @path;";
        command.Parameters.AddWithValue("@path", path.Text);
        if ((long)command.ExecuteScalar()! == 0)
        {
            throw new ArgumentException(
                $"field path \"{path}\": no entry of this ledger holds it, so an index on it could serve no query. " +
                "Check the spelling against the fields queries accept (an unknown --where path lists them), or declare it once decisions carry it.");
        }

        command.Parameters.Clear();
        command.CommandText = Create(path);
        command.ExecuteNonQuery();
        return true;
    }

    /// <summary>Drops the index of <paramref name="path"/> if it has one.</summary>
    /// <returns>True when dropped.</returns>
    public static bool DropIfExists(SqliteConnection connection, SqliteTransaction transaction, FieldPath path)
    {
        if (!Read(connection, transaction).Contains(path.Text, StringComparer.Ordinal))
        {
            return false;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Drop(path);
        command.ExecuteNonQuery();
        return true;
    }

    /// <summary>The indexed paths, read from the schema, ordinal order.</summary>
    public static IReadOnlyList<string> Read(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT substr(name, @start) FROM sqlite_master WHERE type = 'index' AND substr(name, 1, @length) = @prefix;";
        command.Parameters.AddWithValue("@start", NamePrefix.Length + 1);
        command.Parameters.AddWithValue("@length", NamePrefix.Length);
        command.Parameters.AddWithValue("@prefix", NamePrefix);
        var paths = new List<string>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            paths.Add(reader.GetString(0));
        }

        paths.Sort(StringComparer.Ordinal);
        return paths;
    }
}
