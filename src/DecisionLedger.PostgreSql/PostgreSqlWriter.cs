using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The store's one write connection: appends batches with binary COPY in one transaction
/// (request ids, entries, inputs, then tiles, the checkpoint and new field catalog paths; one
/// commit per batch) and
/// creates the monthly entry partitions a batch needs before it starts. Not thread-safe: the
/// store serializes calls.
/// </summary>
internal sealed class PostgreSqlWriter : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _schema;
    private readonly string _target;
    private readonly string _lockKey;
    private readonly PostgreSqlPartitions _partitions;
    private readonly PostgreSqlBatchCopy _copy;

    // Catalog pairs this connection has committed: a batch whose paths are all known skips the insert.
    private readonly HashSet<(string Model, string Path)> _knownPaths = [];

    private PostgreSqlWriter(NpgsqlConnection connection, string schema, string schemaName, string target)
    {
        _connection = connection;
        _schema = schema;
        _target = target;
        _lockKey = "decisionledger.append:" + schemaName;
        _partitions = new PostgreSqlPartitions(connection, schema);
        _copy = new PostgreSqlBatchCopy(connection, schema);
    }

    /// <summary>Whether the connection is still usable; a broken one is replaced by the store.</summary>
    public bool IsUsable => _connection.FullState == System.Data.ConnectionState.Open;

    /// <summary>Opens the write connection.</summary>
    public static async Task<PostgreSqlWriter> OpenAsync(NpgsqlDataSource dataSource, string schema, string schemaName, string target, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new PostgreSqlWriter(connection, schema, schemaName, target);
    }

    /// <summary>Creates (if missing) the entry partitions of every month from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public Task EnsurePartitionsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        _partitions.EnsureAsync(from, to, cancellationToken);

    /// <summary>Erases stored inputs and their traces (<see cref="PostgreSqlErasure"/>) on this connection; forgets the catalog paths it deleted, so a later batch holding one writes it again.</summary>
    public async Task<int> EraseInputsAsync(long[] seqs, CancellationToken cancellationToken)
    {
        (int deleted, List<(string Model, string Path)> forgotten) = await PostgreSqlErasure.EraseInputsAsync(_connection, _schema, seqs, cancellationToken).ConfigureAwait(false);
        _knownPaths.ExceptWith(forgotten);
        return deleted;
    }

    /// <summary>Writes a batch in one transaction; rolls back everything on any failure.</summary>
    /// <exception cref="LedgerStoreException">The batch is not contiguous, repeats a request id, conflicts with a stored tile, or the write failed.</exception>
    public async Task AppendAsync(AppendBatch batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredEntry> entries = batch.Entries;
        ThrowIfRequestIdRepeats(entries);
        SubjectRefChecks.ThrowIfInvalid(batch.NewSubjectRefs, _target);
        await _partitions.EnsureForBatchAsync(entries, cancellationToken).ConfigureAwait(false);

        NpgsqlTransaction transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        long size = await LockAndReadSizeAsync(transaction, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < entries.Count; i++)
        {
            long expected = size + i;
            if (entries[i].Seq != expected)
            {
                throw new LedgerStoreException(
                    $"Append rejected: expected seq {expected} but the batch has seq {entries[i].Seq} at position {i}. " +
                    $"{_target} holds {size} entries, so a batch must start at seq {size} and count up by one; nothing was stored.");
            }
        }

        long newSize = size + entries.Count;
        foreach (StoredInput input in batch.Inputs)
        {
            if (input.Seq < size || input.Seq >= newSize)
            {
                throw new LedgerStoreException(
                    $"Append rejected: the batch holds an input for seq {input.Seq}, outside its entries [{size}, {newSize}). Nothing was stored.");
            }
        }

        if (entries.Count > 0)
        {
            try
            {
                await _copy.CopyRequestIdsAsync(entries, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgreSqlErrors.UniqueViolation)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                string duplicate = await FirstStoredRequestIdAsync(entries, cancellationToken).ConfigureAwait(false);
                throw new LedgerStoreException(
                    $"Append rejected: request id '{duplicate}' is already in {_target}; request ids are unique per ledger. Nothing of the batch was stored.",
                    exception);
            }

            await _copy.CopyEntriesAsync(entries, cancellationToken).ConfigureAwait(false);
        }

        if (batch.Inputs.Count > 0)
        {
            await _copy.CopyInputsAsync(batch.Inputs, cancellationToken).ConfigureAwait(false);
        }

        if (batch.NewSubjectRefs is { Count: > 0 } subjectRefs)
        {
            await PostgreSqlSubjectRefs.InsertAsync(_connection, transaction, _schema, _target, subjectRefs, cancellationToken).ConfigureAwait(false);
        }

        if (batch.Checkpoint is { } checkpoint)
        {
            ThrowIfCheckpointBeyond(checkpoint, newSize);
        }

        // The recorder's builder collected the batch's paths (AppendBatch.FieldPaths): no entry is parsed here.
        List<(string Model, string Path)> newPaths = PostgreSqlFieldCatalog.Pairs(batch.FieldPathsOrCollect());
        newPaths.RemoveAll(_knownPaths.Contains);

        // Tiles, the checkpoint and new catalog paths go in one round trip (PostgreSqlTailInsert).
        TileId? conflict = await InsertTilesCheckpointAndPathsAsync(transaction, batch.Tiles, batch.Checkpoint, newPaths, cancellationToken).ConfigureAwait(false);
        if (conflict is { } id)
        {
            throw new LedgerStoreException(
                $"Append rejected: tile {id} is already stored in {_target} with different content; tiles are immutable. " +
                "The in-memory tree does not match the store: reopen the ledger and run 'dledger verify'. Nothing was stored.");
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _knownPaths.UnionWith(newPaths);
    }

    /// <summary>Stores one checkpoint in its own transaction.</summary>
    public async Task AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        long size = await LockAndReadSizeAsync(transaction, cancellationToken).ConfigureAwait(false);
        ThrowIfCheckpointBeyond(checkpoint, size);
        await InsertTilesCheckpointAndPathsAsync(transaction, [], checkpoint, [], cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the tree size of a clean close, or clears it when null (<see cref="ICleanCloseStore"/>), in one statement.</summary>
    public async Task WriteCleanCloseAsync(long? treeSize, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            treeSize is null
                ? $"DELETE FROM {_schema}.clean_close;"
                : $"INSERT INTO {_schema}.clean_close(id, tree_size) VALUES (0, @size) ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size;",
            _connection);
        await using var commandScope = command.ConfigureAwait(false);
        if (treeSize is { } size)
        {
            command.Parameters.Add(new NpgsqlParameter<long>("size", NpgsqlDbType.Bigint) { TypedValue = size });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes tiles in one transaction.</summary>
    /// <exception cref="InvalidOperationException">A tile is already stored with different content; nothing was written.</exception>
    public async Task WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        if (await InsertTilesCheckpointAndPathsAsync(transaction, tiles, null, [], cancellationToken).ConfigureAwait(false) is { } id)
        {
            throw new InvalidOperationException(
                $"Tile {id} is already stored in {_target} with different content; tiles are immutable once written. " +
                "Two trees with different leaves must not share a tile store.");
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static void ThrowIfRequestIdRepeats(IReadOnlyList<StoredEntry> entries)
    {
        var seen = new HashSet<string>(entries.Count, StringComparer.Ordinal);
        foreach (StoredEntry entry in entries)
        {
            if (!seen.Add(entry.Columns.RequestId))
            {
                throw new LedgerStoreException(
                    $"Append rejected: request id '{entry.Columns.RequestId}' (seq {entry.Seq}) appears twice in the batch; request ids are unique per ledger. Nothing of the batch was stored.");
            }
        }
    }

    private async Task<long> LockAndReadSizeAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // The advisory lock serializes appenders to this ledger (other processes included), so
        // the size read here stays true until commit and a wrong seq gets a clear message.
        var batch = new NpgsqlBatch(_connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0));") { Parameters = { new NpgsqlParameter<string> { TypedValue = _lockKey } } },
                new NpgsqlBatchCommand($"SELECT coalesce(max(seq) + 1, 0) FROM {_schema}.request_ids;"),
            },
        };
        await using var batchScope = batch.ConfigureAwait(false);
        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetInt64(0);
    }

    private async Task<string> FirstStoredRequestIdAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT request_id FROM {_schema}.request_ids WHERE request_id = ANY(@ids) LIMIT 1;", _connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. entries.Select(e => e.Columns.RequestId)] });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? "(unknown)";
    }

    private Task<TileId?> InsertTilesCheckpointAndPathsAsync(
        NpgsqlTransaction transaction,
        IReadOnlyList<(TileId Id, Tile Tile)> tiles,
        StoredCheckpoint? checkpoint,
        IReadOnlyList<(string Model, string Path)> newPaths,
        CancellationToken cancellationToken) =>
        PostgreSqlTailInsert.RunAsync(_connection, transaction, _schema, tiles, checkpoint, newPaths, cancellationToken);

    private void ThrowIfCheckpointBeyond(StoredCheckpoint checkpoint, long size)
    {
        if (checkpoint.TreeSize < 0 || checkpoint.TreeSize > size)
        {
            throw new LedgerStoreException(
                $"Checkpoint rejected: it covers {checkpoint.TreeSize} entries but {_target} will hold {size}. " +
                "A checkpoint may only cover stored entries; nothing was stored.");
        }
    }
}
