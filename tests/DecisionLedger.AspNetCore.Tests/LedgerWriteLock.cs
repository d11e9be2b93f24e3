using DecisionLedger.Ledger;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.AspNetCore.Tests;

/// <summary>
/// Holds the ledger database's write lock from a second SQLite connection (<c>BEGIN IMMEDIATE</c>),
/// as another process would: the recorder's group commit cannot complete until it is released
/// (the store waits up to its 30 s busy timeout), so "not yet committed" is a state, not a race.
/// </summary>
internal sealed class LedgerWriteLock : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;

    private LedgerWriteLock(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<LedgerWriteLock> TakeAsync(string ledgerPath)
    {
        var connection = new SqliteConnection($"Data Source={LedgerDirectory.Open(ledgerPath).DatabasePath};Pooling=False");
        await connection.OpenAsync();
        SqliteTransaction transaction = connection.BeginTransaction(deferred: false);   // BEGIN IMMEDIATE: takes the write lock now
        return new LedgerWriteLock(connection, transaction);
    }

    /// <summary>Releases the lock; the recorder's commit goes ahead.</summary>
    public async Task ReleaseAsync()
    {
        if (_transaction is not null)
        {
            _transaction.Rollback();
            _transaction.Dispose();
            _transaction = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await _connection.DisposeAsync();
    }
}
