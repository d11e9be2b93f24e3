using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DecisionLedger.Sqlite;

/// <summary>
/// One prepared statement bound by position straight through SQLitePCL, for the rows every
/// append writes (an entry and its input per decision). <see cref="SqliteCommand"/> resolves
/// each parameter by name, boxes every value and re-enumerates its statements on each run;
/// for two inserts per decision that overhead was a measurable share of the commit stage
/// (docs/performance.md). Runs inside whatever transaction the connection holds. Not
/// thread-safe: the writer serializes calls.
/// </summary>
internal sealed class SqliteRowStatement : IDisposable
{
    private const int Done = 101;

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;

    // SQLite copies bound text (SQLITE_TRANSIENT), so one scratch buffer serves every parameter.
    private byte[] _utf8 = new byte[256];

    public SqliteRowStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        int rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement);
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }
    }

    /// <summary>Binds a 64-bit integer to the 1-based parameter <paramref name="index"/>.</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds text, or NULL when <paramref name="value"/> is null.</summary>
    public void Bind(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, index));
            return;
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < max)
        {
            _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        }

        int length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)));
    }

    /// <summary>Binds a blob (an empty one stays an empty blob, never NULL).</summary>
    public void Bind(int index, ReadOnlySpan<byte> value) =>
        Check(value.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, index, 0) : raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Binds NULL.</summary>
    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs the statement once with the bound values and resets it for the next row.</summary>
    /// <exception cref="SqliteException">SQLite refused the row (e.g. a UNIQUE constraint); the statement is reset either way.</exception>
    public void Execute()
    {
        int rc = raw.sqlite3_step(_statement);
        if (rc == Done)
        {
            raw.sqlite3_reset(_statement);
            return;
        }

        // Read the error before the reset, which may replace it.
        SqliteException error = Error(rc);
        raw.sqlite3_reset(_statement);
        throw error;
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }
    }

    private SqliteException Error(int rc)
    {
        sqlite3 db = _connection.Handle!;
        int extended = raw.sqlite3_extended_errcode(db);
        string message = raw.sqlite3_errmsg(db).utf8_to_string();
        return new SqliteException($"SQLite Error {rc}: '{message}'.", rc & 0xFF, extended);
    }
}
