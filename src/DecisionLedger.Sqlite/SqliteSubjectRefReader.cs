using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Reads the <c>subjects</c> mapping (clear subject id ↔ ref) of a <see cref="SqliteLedgerStore"/>: one statement
/// per call however many ids or refs it asks for. The recorder asks once per batch for every id its cache missed
/// (thousands when subjects are many); one execution per id cost 6.3 µs per id at 1,000,000 subjects, one
/// statement over a JSON array of them about a third of that (docs/performance.md, "Entry format v2").
/// </summary>
internal sealed class SqliteSubjectRefReader(SqliteConnections db)
{
    private readonly SqliteConnections _db = db;

    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken) =>
        Lookup(subjectIds, "SELECT subject_id, ref FROM subjects WHERE subject_id IN (SELECT value FROM json_each(@values));", "read subject refs", cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken) =>
        Lookup(refs, "SELECT ref, subject_id FROM subjects WHERE ref IN (SELECT value FROM json_each(@values));", "read subject ids", cancellationToken);

    // The statement selects (key, mapped value) rows for the keys in the JSON array @values.
    private ValueTask<IReadOnlyDictionary<string, string>> Lookup(IReadOnlyCollection<string> keys, string sql, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return new ValueTask<IReadOnlyDictionary<string, string>>(found);
        }

        _db.Read(action, connection =>
        {
            // A ledger last opened writable by an older version has no mapping table: it maps nobody.
            if (!SqliteSchema.HasTable(connection, null, "subjects"))
            {
                return;
            }

            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("@values", JsonArray(keys, out Dictionary<string, List<string>>? replaced));
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                string key = reader.GetString(0);
                string mapped = reader.GetString(1);
                if (replaced is null)
                {
                    found[key] = mapped;
                    continue;
                }

                // The stored text of a key with a lone surrogate is its UTF-8 form (U+FFFD in its place): answer
                // under the key as asked.
                foreach (string asked in replaced.TryGetValue(key, out List<string>? originals) ? originals : [key])
                {
                    found[asked] = mapped;
                }
            }
        });
        return new ValueTask<IReadOnlyDictionary<string, string>>(found);
    }

    // One bound parameter however many keys: json_each turns it back into rows, and IN probes the key's index for each.
    // A key that is not well-formed UTF-16 (a lone surrogate) is written as SQLite stored it, through UTF-8 with
    // U+FFFD; replaced then maps that form back to the keys asked (null when every key is well formed).
    private static string JsonArray(IReadOnlyCollection<string> keys, out Dictionary<string, List<string>>? replaced)
    {
        replaced = null;
        var buffer = new ArrayBufferWriter<byte>(keys.Count * 24 + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (string key in keys)
            {
                ArgumentNullException.ThrowIfNull(key, nameof(keys));
                string stored = key.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') ? Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(key)) : key;
                if (!ReferenceEquals(stored, key) && stored != key)
                {
                    replaced ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
                    if (!replaced.TryGetValue(stored, out List<string>? originals))
                    {
                        replaced[stored] = originals = keys.Contains(stored) ? [stored] : [];
                    }

                    originals.Add(key);
                    writer.WriteStringValue(stored);
                    continue;
                }

                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
