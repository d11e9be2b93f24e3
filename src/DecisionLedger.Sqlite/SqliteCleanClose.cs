using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The one-row <c>clean_close</c> table: the tree size the last recorder closed the ledger cleanly
/// at, absent while a recorder has it open or after a crash (see <see cref="Storage.ICleanCloseStore"/>).
/// </summary>
internal static class SqliteCleanClose
{
    /// <summary>The recorded size, or null; also null for a file written before the table existed, opened read-only.</summary>
    public static long? Read(SqliteConnection connection)
    {
        if (!SqliteSchema.HasTable(connection, null, "clean_close"))
        {
            return null;
        }

        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT tree_size FROM clean_close WHERE id = 0;";
        return command.ExecuteScalar() is long size ? size : null;
    }

    /// <summary>Records <paramref name="treeSize"/>, or deletes the row when null, in one autocommit statement.</summary>
    public static void Write(SqliteConnection connection, long? treeSize)
    {
        using SqliteCommand command = connection.CreateCommand();
        if (treeSize is { } size)
        {
            command.CommandText = "INSERT INTO clean_close(id, tree_size) VALUES (0, @size) ON CONFLICT(id) DO UPDATE SET tree_size = excluded.tree_size;";
            command.Parameters.AddWithValue("@size", size);
        }
        else
        {
            command.CommandText = "DELETE FROM clean_close;";
        }

        command.ExecuteNonQuery();
    }
}
