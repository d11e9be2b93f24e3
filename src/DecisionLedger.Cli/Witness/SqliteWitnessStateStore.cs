using DecisionLedger.Hashing;
using DecisionLedger.Witnessing;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Cli.Witness;

/// <summary>
/// The witness's own SQLite file: one row per log origin with the latest checkpoint it cosigned.
/// The compare-and-swap is one conditional statement, so two witness processes sharing the
/// file, or two requests in one process, can never roll a log back.
/// </summary>
internal sealed class SqliteWitnessStateStore : IWitnessStateStore
{
    private readonly string _connectionString;

    private SqliteWitnessStateStore(string connectionString) => _connectionString = connectionString;

    /// <summary>Opens (creating if needed) the state file at <paramref name="path"/>.</summary>
    public static async Task<SqliteWitnessStateStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        var store = new SqliteWitnessStateStore(connectionString);
        await using SqliteConnection connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand create = connection.CreateCommand();

        // WAL keeps readers (the monitoring endpoint) off the writer's lock.
        create.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS witnessed_checkpoint (
                origin TEXT PRIMARY KEY NOT NULL,
                size INTEGER NOT NULL CHECK (size >= 0),
                root BLOB NOT NULL CHECK (length(root) = 32),
                note TEXT NOT NULL
            ) STRICT;
            """;
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    public async ValueTask<WitnessedCheckpoint?> GetLatestAsync(string origin, CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT size, root, note FROM witnessed_checkpoint WHERE origin = $origin";
        select.Parameters.AddWithValue("$origin", origin);
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new WitnessedCheckpoint(origin, reader.GetInt64(0), Sha256Hash.FromBytes((byte[])reader.GetValue(1)), reader.GetString(2));
    }

    public async ValueTask<bool> TryAdvanceAsync(WitnessedCheckpoint? expected, WitnessedCheckpoint next, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        await using SqliteConnection connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand write = connection.CreateCommand();
        if (expected is null)
        {
            // A row appearing since our read means another request cosigned first: insert nothing.
            write.CommandText = "INSERT INTO witnessed_checkpoint (origin, size, root, note) VALUES ($origin, $size, $root, $note) ON CONFLICT (origin) DO NOTHING";
        }
        else
        {
            write.CommandText = "UPDATE witnessed_checkpoint SET size = $size, root = $root, note = $note WHERE origin = $origin AND size = $oldSize AND root = $oldRoot";
            write.Parameters.AddWithValue("$oldSize", expected.Size);
            write.Parameters.AddWithValue("$oldRoot", expected.RootHash.ToArray());
        }

        write.Parameters.AddWithValue("$origin", next.Origin);
        write.Parameters.AddWithValue("$size", next.Size);
        write.Parameters.AddWithValue("$root", next.RootHash.ToArray());
        write.Parameters.AddWithValue("$note", next.CosignedNote);
        return await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand pragmas = connection.CreateCommand();

        // FULL: the spec requires the new checkpoint to be durable before the cosignature is sent.
        pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
