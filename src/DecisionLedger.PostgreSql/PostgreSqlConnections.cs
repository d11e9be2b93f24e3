using System.Runtime.CompilerServices;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The connections of a <see cref="PostgreSqlLedgerStore"/>: the pooled data source for reads,
/// the one write connection behind a lock (replaced after a server restart), and the
/// translation of every Npgsql failure into a <see cref="LedgerStoreException"/> naming the
/// target, the action and the fix.
/// </summary>
internal sealed class PostgreSqlConnections : IAsyncDisposable
{
    private readonly PostgreSqlLedgerStoreOptions _options;
    private readonly string _schema;
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private PostgreSqlWriter? _writer;
    private volatile bool _disposed;

    public PostgreSqlConnections(string connectionString, PostgreSqlLedgerStoreOptions options, string target)
    {
        _options = options;
        _schema = PostgreSqlSchema.Quote(options.Schema);
        Target = target;
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Where the ledger lives, for messages; never the password.</summary>
    public string Target { get; }

    /// <summary>Set once the store is open: writes before it are refused.</summary>
    public bool Opened { get; set; }

    /// <summary>Closes the write connection and the pool; committed data stays.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }

            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public static NpgsqlParameter<long> Bigint(string name, long value) => new(name, NpgsqlDbType.Bigint) { TypedValue = value };

    public static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long value ? value : 0;
    }

    public IAsyncEnumerable<T> StreamAsync<T>(string action, string sql, NpgsqlParameter[] parameters, Func<Func<NpgsqlDataReader, T>> readerFactory, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql);
        command.Parameters.AddRange(parameters);
        return StreamAsync(action, command, readerFactory, cancellationToken);
    }

    public async IAsyncEnumerable<T> StreamAsync<T>(string action, NpgsqlCommand command, Func<Func<NpgsqlDataReader, T>> readerFactory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        NpgsqlCommand owned = command;
        await using var ownedScope = owned.ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(_disposed, typeof(PostgreSqlLedgerStore));
        NpgsqlConnection connection;
        NpgsqlDataReader reader;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw PostgreSqlErrors.Wrap(exception, Target, action);
        }

        await using (connection.ConfigureAwait(false))
        {
            owned.Connection = connection;
            try
            {
                reader = await owned.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException exception)
            {
                throw PostgreSqlErrors.Wrap(exception, Target, action);
            }

            await using (reader.ConfigureAwait(false))
            {
                Func<NpgsqlDataReader, T> read = readerFactory();
                while (await ReadRowAsync(reader, action, cancellationToken).ConfigureAwait(false))
                {
                    yield return read(reader);
                }
            }
        }
    }

    public async Task<bool> ReadRowAsync(NpgsqlDataReader reader, string action, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw PostgreSqlErrors.Wrap(exception, Target, action);
        }
    }

    public async Task<T> ReadAsync<T>(string action, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(PostgreSqlLedgerStore));
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            return await read(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw PostgreSqlErrors.Wrap(exception, Target, action);
        }
    }

    public void ThrowIfReadOnly(string action)
    {
        if (_options.ReadOnly)
        {
            throw new LedgerStoreException($"Could not {action}: the ledger at {Target} was opened read-only. Open it without ReadOnly to write.");
        }
    }

    public async Task WriteAsync(string action, Func<PostgreSqlWriter, Task> write, CancellationToken cancellationToken, bool opening = false)
    {
        ThrowIfReadOnly(action);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(PostgreSqlLedgerStore));
            if (!Opened && !opening)
            {
                throw new InvalidOperationException($"Call OpenAsync before writing to the ledger at {Target}.");
            }

            try
            {
                _writer ??= await PostgreSqlWriter.OpenAsync(_dataSource, _schema, _options.Schema, Target, cancellationToken).ConfigureAwait(false);
                await write(_writer).ConfigureAwait(false);
            }
            catch (NpgsqlException exception)
            {
                throw PostgreSqlErrors.Wrap(exception, Target, action);
            }
            finally
            {
                // A connection broken by a server restart is replaced on the next write.
                if (_writer is { IsUsable: false })
                {
                    await _writer.DisposeAsync().ConfigureAwait(false);
                    _writer = null;
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
