using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The production ledger store: one PostgreSQL schema whose entries are partitioned by month,
/// kept append-only by grants (the application role may only INSERT and SELECT) and by triggers
/// (which refuse UPDATE, DELETE and TRUNCATE even for the owner). Each <see cref="AppendAsync"/>
/// batch is one transaction written with binary COPY; reads use pooled connections and run
/// concurrently with writes.
/// </summary>
/// <remarks>
/// The schema is created by <see cref="PostgreSqlLedgerMigrator"/> over an owner connection (or
/// by <see cref="OpenAsync"/> when <see cref="PostgreSqlLedgerStoreOptions.MigrateOnOpen"/> is
/// set). Every failure surfaces as a <see cref="LedgerStoreException"/> naming the server,
/// database and schema, what failed, and the fix.
/// </remarks>
public sealed partial class PostgreSqlLedgerStore : ILedgerStore, ICleanCloseStore, IDerivedTableStore
{
    private readonly PostgreSqlLedgerStoreOptions _options;
    private readonly string _connectionString;
    private readonly string _schema;
    private readonly PostgreSqlConnections _db;
    private readonly PostgreSqlLogReader _log;
    private readonly PostgreSqlSubjectKeys _subjectKeys;
    private volatile bool _disposed;

    /// <summary>Creates a store over the ledger schema reached with <paramref name="connectionString"/>; nothing is opened until <see cref="OpenAsync"/>.</summary>
    /// <param name="connectionString">An Npgsql connection string, normally of the application role.</param>
    /// <param name="options">Schema, migration, partition and read-only settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">The connection string is empty or invalid, or the schema name is not a plain lowercase identifier.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PostgreSqlLedgerStoreOptions.PartitionMonthsAhead"/> is negative or above 120.</exception>
    public PostgreSqlLedgerStore(string connectionString, PostgreSqlLedgerStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _options = options ?? new PostgreSqlLedgerStoreOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.PartitionMonthsAhead, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.PartitionMonthsAhead, 120, nameof(options));
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, nameof(options));
        _schema = PostgreSqlSchema.Quote(_options.Schema);
        _connectionString = PostgreSqlTarget.Normalize(connectionString, nameof(connectionString));
        Target = PostgreSqlTarget.Describe(_connectionString, _options.Schema);
        _db = new PostgreSqlConnections(_connectionString, _options, Target);
        _log = new PostgreSqlLogReader(_db, _schema);
        _subjectKeys = new PostgreSqlSubjectKeys(_db, _schema);
        DerivedTables = [new PostgreSqlRequestIdTable(_db, _schema)];
    }

    /// <summary>Where the ledger lives, for messages: <c>PostgreSQL host:port/database (schema s)</c>; never the password.</summary>
    public string Target { get; }

    /// <inheritdoc />
    /// <remarks>The <c>request_ids</c> table.</remarks>
    public IReadOnlyList<IDerivedTable> DerivedTables { get; }

    /// <inheritdoc />
    public async ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_options.ReadOnly && _options.MigrateOnOpen)
        {
            await new PostgreSqlLedgerMigrator(_connectionString, _options.Schema).MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        await _db.ReadAsync("open the ledger", _log.CheckVersionAsync, cancellationToken).ConfigureAwait(false);
        if (!_options.ReadOnly)
        {
            await _db.WriteAsync("create the entry partitions ahead", async writer =>
            {
                DateTimeOffset now = _options.TimeProvider.GetUtcNow();
                await writer.EnsurePartitionsAsync(now, now.AddMonths(_options.PartitionMonthsAhead), cancellationToken).ConfigureAwait(false);
            }, cancellationToken, opening: true).ConfigureAwait(false);
        }

        LedgerHead head = await _db.ReadAsync("open the ledger", _log.ReadHeadAsync, cancellationToken).ConfigureAwait(false);
        _db.Opened = true;
        return head;
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new ValueTask(_db.WriteAsync($"append a batch of {batch.Entries.Count} entries", writer => writer.AppendAsync(batch, cancellationToken), cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync("read the ledger size", (connection, ct) => PostgreSqlConnections.ScalarAsync(connection, $"SELECT coalesce(max(seq) + 1, 0) FROM {_schema}.request_ids;", ct), cancellationToken));

    /// <inheritdoc />
    public ValueTask<long?> ReadCleanCloseAsync(CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync("read the clean-close marker", async Task<long?> (connection, ct) =>
        {
            // -1 stands for "no row": a size is never negative.
            long size = await PostgreSqlConnections.ScalarAsync(connection, $"SELECT coalesce((SELECT tree_size FROM {_schema}.clean_close WHERE id = 0), -1)::bigint;", ct).ConfigureAwait(false);
            return size < 0 ? null : size;
        }, cancellationToken));

    /// <inheritdoc />
    public ValueTask WriteCleanCloseAsync(long? treeSize, CancellationToken cancellationToken = default) =>
        new(_db.WriteAsync(treeSize is null ? "clear the clean-close marker" : "write the clean-close marker", writer => writer.WriteCleanCloseAsync(treeSize, cancellationToken), cancellationToken));

    /// <inheritdoc />
    public ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new ValueTask(_db.WriteAsync("store a checkpoint", writer => writer.AppendCheckpointAsync(checkpoint, cancellationToken), cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync($"read entry {seq}", (connection, ct) => _log.ReadOneEntryAsync(connection, "seq = @value", new NpgsqlParameter<long>("value", NpgsqlDbType.Bigint) { TypedValue = seq }, ct), cancellationToken));

    /// <inheritdoc />
    public ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return new(_db.ReadAsync("find an entry by request id", (connection, ct) => _log.ReadOneEntryAsync(
            connection,
            $"seq = (SELECT seq FROM {_schema}.request_ids WHERE request_id = @value) AND request_id = @value",
            new NpgsqlParameter<string>("value", NpgsqlDbType.Text) { TypedValue = requestId },
            ct), cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        if (requestIds.Count == 0)
        {
            return new ValueTask<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
        }

        return new(_db.ReadAsync("look up request ids", async Task<IReadOnlySet<string>> (connection, ct) =>
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            var command = new NpgsqlCommand($"SELECT request_id FROM {_schema}.request_ids WHERE request_id = ANY(@ids);", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. requestIds] });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                found.Add(reader.GetString(0));
            }

            return found;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        _db.StreamAsync(
            "read entries",
            $"SELECT {PostgreSqlSchema.EntryColumns} FROM {_schema}.entries WHERE seq >= @from AND seq < @to ORDER BY seq;",
            [PostgreSqlConnections.Bigint("from", fromSeq), PostgreSqlConnections.Bigint("to", toSeq)],
            _log.EntryReader(),
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Leaves of decisions archiving removed come from the level-0 tiles, which keep them.</remarks>
    public async ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default)
    {
        var seqs = new List<long>();
        IReadOnlyList<Sha256Hash> live = await ReadLiveLeafHashesAsync(fromSeq, toSeq, seqs, cancellationToken).ConfigureAwait(false);
        return live.Count >= toSeq - fromSeq || fromSeq >= toSeq
            ? live
            : await FillArchivedLeavesAsync(live, seqs, fromSeq, toSeq, cancellationToken).ConfigureAwait(false);
    }

    private Task<IReadOnlyList<Sha256Hash>> ReadLiveLeafHashesAsync(long fromSeq, long toSeq, List<long> seqs, CancellationToken cancellationToken) =>
        _db.ReadAsync("read leaf hashes", async Task<IReadOnlyList<Sha256Hash>> (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT seq, leaf_hash FROM {_schema}.entries WHERE seq >= @from AND seq < @to ORDER BY seq;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(PostgreSqlConnections.Bigint("from", fromSeq));
            command.Parameters.Add(PostgreSqlConnections.Bigint("to", toSeq));
            var hashes = new List<Sha256Hash>((int)Math.Clamp(toSeq - fromSeq, 0, 1 << 16));
            byte[] scratch = new byte[Sha256Hash.Size];
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                long seq = reader.GetInt64(0);
                seqs.Add(seq);
                hashes.Add(PostgreSqlRows.ReadHash(reader, 1, scratch, Target, seq));
            }

            return hashes;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync($"read the input of entry {seq}", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT seq, salt, input FROM {_schema}.inputs WHERE seq = @seq;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(PostgreSqlConnections.Bigint("seq", seq));
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? PostgreSqlRows.ReadInput(reader) : null;
        }, cancellationToken));

    /// <inheritdoc />
    public IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        _db.StreamAsync<StoredInput>(
            "read inputs",
            $"SELECT seq, salt, input FROM {_schema}.inputs WHERE seq >= @from AND seq < @to ORDER BY seq;",
            [PostgreSqlConnections.Bigint("from", fromSeq), PostgreSqlConnections.Bigint("to", toSeq)],
            static () => PostgreSqlRows.ReadInput,
            cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) =>
        _db.StreamAsync(
            "read checkpoints",
            $"SELECT tree_size, root, note, created_at FROM {_schema}.checkpoints ORDER BY id;",
            [],
            _log.CheckpointReader,
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync("read the latest checkpoint", _log.ReadLatestCheckpointAsync, cancellationToken));

    /// <inheritdoc />
    /// <remarks>A clear subject id matches v1 rows by the id and v2 rows by its ref (<see cref="SubjectQuery"/>).</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EntryFilter.Limit"/> is negative.</exception>
    public IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(filter.Limit, nameof(filter));
        return SubjectQuery.QueryAsync(filter, this, this, QueryColumnsAsync, cancellationToken);
    }

    // Matches the subject column literally; QueryAsync maps a clear subject id onto v1 and v2 rows.
    private IAsyncEnumerable<StoredEntry> QueryColumnsAsync(EntryFilter filter, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand();
        PostgreSqlEntryFilterSql.Apply(command, filter, _schema);
        return _db.StreamAsync("query entries", command, _log.EntryReader(), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync("read the field catalog", (connection, ct) => PostgreSqlFieldCatalog.ReadAsync(connection, _schema, modelName, ct), cancellationToken));

    /// <inheritdoc />
    /// <remarks>
    /// PostgreSQL keeps a deleted row's bytes until VACUUM reclaims the page, and in its WAL and
    /// backups until they are recycled; the store cannot scrub those. Encrypt inputs under
    /// per-subject keys (crypto-shredding) where erasure must be immediate: see docs/deployment.md.
    /// </remarks>
    public ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        _db.ThrowIfReadOnly($"delete {seqs.Count} stored inputs");
        return new(EraseInputsAsync([.. seqs], cancellationToken));
    }

    private async Task<int> EraseInputsAsync(long[] seqs, CancellationToken cancellationToken)
    {
        // On the write connection: its cache of catalog paths must forget the ones the erasure deletes.
        int deleted = 0;
        await _db.WriteAsync($"delete {seqs.Length} stored inputs", async writer => deleted = await writer.EraseInputsAsync(seqs, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) =>
        _subjectKeys.GetSubjectKeysAsync(subjectIds, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default) =>
        _subjectKeys.GetOrCreateSubjectKeysAsync(candidates, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default) =>
        _subjectKeys.DeleteSubjectKeyAsync(subjectId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default) =>
        _log.ReadTileAsync(id, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="LedgerStoreException">The write failed; none of the tiles was stored.</exception>
    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        return tiles.Count == 0
            ? default
            : new ValueTask(_db.WriteAsync($"write {tiles.Count} tiles", writer => writer.WriteTilesAsync(tiles, cancellationToken), cancellationToken));
    }

    /// <summary>Closes the write connection and the connection pool; committed data stays.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _db.DisposeAsync().ConfigureAwait(false);
    }
}
