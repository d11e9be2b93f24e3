using DecisionLedger.Archiving;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Reads and writes <c>archived_ranges</c> and removes the archived decision rows, on the connections it is given.</summary>
internal static class SqliteArchivedRanges
{
    /// <summary>The rows removed by archiving so far; 0 for a file without the table (older, or opened read-only before its first writable open).</summary>
    public static long RemovedRows(SqliteConnection connection) =>
        SqliteSchema.HasTable(connection, null, "archived_ranges")
            ? SqliteConnections.Scalar(connection, "SELECT coalesce(sum(removed_rows), 0) FROM archived_ranges;")
            : 0;

    public static List<ArchivedRange> ReadAll(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var ranges = new List<ArchivedRange>();
        if (!SqliteSchema.HasTable(connection, transaction, "archived_ranges"))
        {
            return ranges;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT first_seq, last_seq, event_seq, destination, removed_rows FROM archived_ranges ORDER BY first_seq;";
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            ranges.Add(new ArchivedRange(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4)));
        }

        return ranges;
    }

    /// <exception cref="ArgumentException">The range overlaps a different one, or its event seq is not an archived event after it.</exception>
    public static void Record(SqliteConnection connection, ArchivedRange range)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        foreach (ArchivedRange existing in ReadAll(connection, transaction))
        {
            if (existing.FirstSeq == range.FirstSeq && existing.LastSeq == range.LastSeq && existing.EventSeq == range.EventSeq)
            {
                return;
            }

            if (existing.FirstSeq <= range.LastSeq && range.FirstSeq <= existing.LastSeq)
            {
                throw new ArgumentException(
                    $"range: seqs {range.FirstSeq}…{range.LastSeq} overlap the archived range {existing.FirstSeq}…{existing.LastSeq} (archived event seq {existing.EventSeq}); a seq is archived once.",
                    nameof(range));
            }
        }

        using (SqliteCommand kind = connection.CreateCommand())
        {
            kind.Transaction = transaction;
            kind.CommandText = "SELECT kind FROM entries WHERE seq = @seq;";
            kind.Parameters.AddWithValue("@seq", range.EventSeq);
            if (kind.ExecuteScalar() is not string k || !string.Equals(k, Entries.LedgerEvent.ArchivedKind, StringComparison.Ordinal) || range.EventSeq <= range.LastSeq)
            {
                throw new ArgumentException(
                    $"range.eventSeq: seq {range.EventSeq} is not an 'archived' event entry after the range {range.FirstSeq}…{range.LastSeq}; record the archived event first.",
                    nameof(range));
            }
        }

        using (SqliteCommand insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO archived_ranges(first_seq, last_seq, event_seq, destination, removed_rows) VALUES (@first, @last, @event, @destination, 0);";
            insert.Parameters.AddWithValue("@first", range.FirstSeq);
            insert.Parameters.AddWithValue("@last", range.LastSeq);
            insert.Parameters.AddWithValue("@event", range.EventSeq);
            insert.Parameters.AddWithValue("@destination", range.Destination);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <exception cref="ArgumentException">No recorded range covers the seqs.</exception>
    public static long Remove(SqliteConnection connection, long firstSeq, long lastSeq)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        ArchivedRange range = ReadAll(connection, transaction).FirstOrDefault(r => r.FirstSeq <= firstSeq && lastSeq <= r.LastSeq)
            ?? throw new ArgumentException(
                $"firstSeq/lastSeq: no archived range covers seqs {firstSeq}…{lastSeq}; record the range (after its archived event) before removing bodies.");

        // Inputs and index rows first: they are found through the decision rows about to go.
        const string Decisions = "SELECT seq FROM entries WHERE seq BETWEEN @first AND @last AND kind = 'decision'";
        Execute(connection, transaction, $"DELETE FROM inputs WHERE seq IN ({Decisions});", firstSeq, lastSeq);
        Execute(connection, transaction, $"DELETE FROM entry_index WHERE seq IN ({Decisions});", firstSeq, lastSeq);

        // The request ids stay: the recorder's duplicate check must still see an archived decision's id.
        Execute(connection, transaction, "INSERT OR IGNORE INTO archived_request_ids(request_id, seq) SELECT request_id, seq FROM entries WHERE seq BETWEEN @first AND @last AND kind = 'decision';", firstSeq, lastSeq);

        // So do the chain keys: the heads map of an entry-format-2 ledger counts every decision, archived or live.
        Execute(connection, transaction, "INSERT OR IGNORE INTO archived_chain_keys(seq, subject_id, model) SELECT seq, subject_id, coalesce(model, '') FROM entries WHERE seq BETWEEN @first AND @last AND kind = 'decision';", firstSeq, lastSeq);
        long removed = Execute(connection, transaction, "DELETE FROM entries WHERE seq BETWEEN @first AND @last AND kind = 'decision';", firstSeq, lastSeq);
        using (SqliteCommand update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE archived_ranges SET removed_rows = removed_rows + @removed WHERE first_seq = @first;";
            update.Parameters.AddWithValue("@removed", removed);
            update.Parameters.AddWithValue("@first", range.FirstSeq);
            update.ExecuteNonQuery();
        }

        transaction.Commit();
        return removed;
    }

    /// <summary>Adds to <paramref name="found"/> the ids of <paramref name="requestIds"/> that belong to archived (removed) decisions.</summary>
    public static void AddArchivedRequestIds(SqliteConnection connection, IReadOnlyCollection<string> requestIds, HashSet<string> found)
    {
        if (found.Count == requestIds.Count || RemovedRows(connection) == 0 || !SqliteSchema.HasTable(connection, null, "archived_request_ids"))
        {
            return;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM archived_request_ids WHERE request_id = @id;";
        SqliteParameter id = command.Parameters.Add("@id", SqliteType.Text);
        foreach (string requestId in requestIds)
        {
            if (found.Contains(requestId))
            {
                continue;
            }

            id.Value = requestId;
            if (command.ExecuteScalar() is not null)
            {
                found.Add(requestId);
            }
        }
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, long firstSeq, long lastSeq)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@first", firstSeq);
        command.Parameters.AddWithValue("@last", lastSeq);
        return command.ExecuteNonQuery();
    }

    /// <summary>Reads seq and leaf hash of the live rows in [from, to).</summary>
    public static Dictionary<long, Hashing.Sha256Hash> ReadLiveLeaves(SqliteConnection connection, string path, long fromSeq, long toSeq)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT seq, leaf_hash FROM entries WHERE seq >= @from AND seq < @to ORDER BY seq;";
        command.Parameters.AddWithValue("@from", fromSeq);
        command.Parameters.AddWithValue("@to", toSeq);
        var leaves = new Dictionary<long, Hashing.Sha256Hash>();
        byte[] scratch = new byte[Hashing.Sha256Hash.Size];
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            long seq = reader.GetInt64(0);
            leaves[seq] = SqliteRows.ReadHash(reader, 1, scratch, path, seq);
        }

        return leaves;
    }
}
