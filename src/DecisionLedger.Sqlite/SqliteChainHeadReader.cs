using System.Runtime.CompilerServices;
using DecisionLedger.Heads;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The chain heads and first events of a <see cref="SqliteLedgerStore"/> (<see cref="IChainHeadReader"/>),
/// read from the entries table itself: its subject, model and kind columns are in the row, written
/// in the commit, so the tail the indexer has not reached is counted like every other entry; archived
/// decisions are counted from <c>archived_chain_keys</c>, which their removal filled.
/// </summary>
internal sealed class SqliteChainHeadReader(SqliteConnections db)
{
    // One pass over the seq range (a rowid range scan) that hands every decision's subject and model to the caller's
    // side, which counts them in hash tables: two GROUP BYs would scan the table twice and sort a million distinct
    // subjects in a temporary b-tree. Decisions written by older versions may lack a kind.
    private const string Sql = """
        SELECT seq, subject_id, coalesce(model, '') FROM entries
            WHERE seq >= @from AND seq < @before AND coalesce(kind, 'decision') = 'decision'
        """;

    private const string ArchivedSql = """

        UNION ALL SELECT seq, subject_id, model FROM archived_chain_keys WHERE seq >= @from AND seq < @before;
        """;

    private readonly SqliteConnections _db = db;

    public async IAsyncEnumerable<(string Key, ChainHead Head)> ReadChainHeadsAsync(long fromSeq, long beforeSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string Action = "read the chain heads";
        var subjects = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        var models = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        using (SqliteConnection connection = _db.OpenReadConnection(Action))
        using (SqliteCommand command = connection.CreateCommand())
        {
            // Archived decisions left the entries table but not their chains: their keys stay in archived_chain_keys,
            // written in the same transaction as the removal, and one statement reads both tables in one snapshot,
            // so a removal running meanwhile neither hides nor doubles a decision. A file opened read-only before
            // its first writable open has no such table (and no archived decisions either).
            command.CommandText = SqliteSchema.HasTable(connection, null, "archived_chain_keys") ? Sql + ArchivedSql : Sql + ";";
            command.Parameters.AddWithValue("@from", fromSeq);
            command.Parameters.AddWithValue("@before", beforeSeq);
            using SqliteDataReader reader = _db.ExecuteReader(command, Action);
            while (await _db.ReadRowAsync(reader, Action, cancellationToken).ConfigureAwait(false))
            {
                long seq = reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    Count(subjects, reader.GetString(1), seq);
                }

                Count(models, reader.GetString(2), seq);
            }
        }

        foreach ((string subject, ChainHead head) in subjects)
        {
            yield return (ChainKeys.SubjectPrefix + subject, head);
        }

        foreach ((string model, ChainHead head) in models)
        {
            yield return (ChainKeys.ModelPrefix + model, head);
        }
    }

    // The newest seq seen is the chain's last, whichever of the two tables it came from.
    private static void Count(Dictionary<string, ChainHead> heads, string key, long seq)
    {
        ref ChainHead head = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(heads, key, out _);
        head = new ChainHead(Math.Max(seq, head.Last), head.Count + 1);
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
