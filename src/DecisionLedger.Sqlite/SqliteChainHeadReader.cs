using System.Runtime.CompilerServices;
using DecisionLedger.Heads;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The chain heads and first events of a <see cref="SqliteLedgerStore"/> (<see cref="IChainHeadReader"/>),
/// read from the entries table itself: its subject, model and kind columns are in the row, written
/// in the commit, so the tail the indexer has not reached is counted like every other entry.
/// </summary>
internal sealed class SqliteChainHeadReader(SqliteConnections db)
{
    // One pass per key family over the seq range (a rowid range scan); each GROUP BY sorts its
    // distinct keys in a temporary b-tree. Decisions written by older versions may lack a kind.
    private const string Sql = """
        SELECT 's:' || subject_id, max(seq), count(*) FROM entries
            WHERE seq >= @from AND seq < @before AND coalesce(kind, 'decision') = 'decision' AND subject_id IS NOT NULL
            GROUP BY subject_id
        UNION ALL
        SELECT 'm:' || coalesce(model, ''), max(seq), count(*) FROM entries
            WHERE seq >= @from AND seq < @before AND coalesce(kind, 'decision') = 'decision'
            GROUP BY coalesce(model, '');
        """;

    private readonly SqliteConnections _db = db;

    public async IAsyncEnumerable<(string Key, ChainHead Head)> ReadChainHeadsAsync(long fromSeq, long beforeSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string Action = "read the chain heads";
        using SqliteConnection connection = _db.OpenReadConnection(Action);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = Sql;
        command.Parameters.AddWithValue("@from", fromSeq);
        command.Parameters.AddWithValue("@before", beforeSeq);
        using SqliteDataReader reader = _db.ExecuteReader(command, Action);
        while (await _db.ReadRowAsync(reader, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return (reader.GetString(0), new ChainHead(reader.GetInt64(1), reader.GetInt64(2)));
        }
    }

    public ValueTask<long?> FindFirstEventAsync(string kind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<long?>(_db.Read($"find the first '{kind}' event", long? (connection) =>
        {
            // The watermark is read first: the indexer only moves it up, so the tail scanned from it
            // overlaps, never misses, what entry_index holds by the time it is read.
            long watermark = ReadWatermark(connection);
            if (watermark > 0)
            {
                // kind <> 'decision' is a constant the planner sees: it selects the partial index of events.
                using SqliteCommand indexed = connection.CreateCommand();
                indexed.CommandText = "SELECT min(seq) FROM entry_index WHERE kind = @kind AND kind <> 'decision' AND seq < @watermark;";
                indexed.Parameters.AddWithValue("@kind", kind);
                indexed.Parameters.AddWithValue("@watermark", watermark);
                if (indexed.ExecuteScalar() is long seq)
                {
                    return seq;
                }
            }

            using SqliteCommand tail = connection.CreateCommand();
            tail.CommandText = "SELECT min(seq) FROM entries WHERE seq >= @watermark AND kind = @kind;";
            tail.Parameters.AddWithValue("@kind", kind);
            tail.Parameters.AddWithValue("@watermark", watermark);
            return tail.ExecuteScalar() is long first ? first : null;
        }));
    }

    // A version 1 file opened read-only has no index state: every entry is tail.
    private static long ReadWatermark(SqliteConnection connection)
    {
        if (!SqliteSchema.HasTable(connection, null, "index_state"))
        {
            return 0;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT watermark FROM index_state WHERE id = 0;";
        return command.ExecuteScalar() is long watermark ? watermark : 0;
    }
}
