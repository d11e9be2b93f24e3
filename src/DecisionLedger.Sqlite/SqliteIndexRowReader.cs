using System.Text;
using DecisionLedger.Verification;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Reads a range of <c>entry_index</c> rows for verification straight from SQLite's column
/// buffers, so a row costs a few integer reads and byte comparisons instead of a decoded string
/// per text column.
/// </summary>
/// <remarks>
/// Verification reads every row of the index once; through <see cref="SqliteDataReader"/> each of
/// the five text columns became a new UTF-16 string, which made the check cost about as much CPU as
/// hashing the entry. Text columns repeat from row to row (a model, its version, a tenant, the
/// kind), so each column keeps the UTF-8 bytes of the value it decoded last and reuses that string
/// when the next row holds the same bytes. Values are read as stored: an integer is a number,
/// NULL is NULL, anything else (text, or a value rewritten with another type) is its text, so an
/// edited row shows as a mismatch instead of throwing.
/// </remarks>
internal static class SqliteIndexRowReader
{
    // Column order of the row; the values after seq align with SqliteEntryIndexTable's columns.
    private const string Sql = "SELECT seq, model, version, user_id, tenant, subject_key, ts, kind FROM entry_index WHERE seq >= ?1 AND seq < ?2 ORDER BY seq;";

    /// <summary>Adds the rows filed under <c>seq</c> in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>) to <paramref name="rows"/>, ascending by <c>seq</c>.</summary>
    /// <exception cref="SqliteException">SQLite failed.</exception>
    public static void Read(SqliteConnection connection, long fromSeq, long toSeq, DerivedRows rows)
    {
        sqlite3 db = connection.Handle!;
        int rc = raw.sqlite3_prepare_v2(db, Sql, out sqlite3_stmt statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        using (statement)
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(statement, 1, fromSeq), db);
            SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(statement, 2, toSeq), db);
            int width = rows.Width;
            var values = new DerivedValue[width];
            var last = new LastText[width];
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                for (int c = 0; c < width; c++)
                {
                    values[c] = Value(statement, c + 1, ref last[c]);
                }

                rows.Add(raw.sqlite3_column_int64(statement, 0), values);
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
        }
    }

    private static DerivedValue Value(sqlite3_stmt statement, int ordinal, ref LastText last)
    {
        switch (raw.sqlite3_column_type(statement, ordinal))
        {
            case raw.SQLITE_NULL:
                return DerivedValue.Null;
            case raw.SQLITE_INTEGER:
                return DerivedValue.Of(raw.sqlite3_column_int64(statement, ordinal));
            default:
                // For a number stored in a text column SQLite hands over its text form, as GetString does.
                ReadOnlySpan<byte> utf8 = raw.sqlite3_column_blob(statement, ordinal);
                if (last.Text is null || !utf8.SequenceEqual(last.Utf8))
                {
                    last = new LastText(utf8.ToArray(), Encoding.UTF8.GetString(utf8));
                }

                return DerivedValue.Of(last.Text);
        }
    }

    private record struct LastText(byte[] Utf8, string Text);
}
