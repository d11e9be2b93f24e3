using System.Net.Sockets;
using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql;

/// <summary>Turns Npgsql failures into <see cref="LedgerStoreException"/>s that name the server, database and schema, what failed, and the fix.</summary>
internal static class PostgreSqlErrors
{
    /// <summary>SQLSTATE of a unique-constraint violation.</summary>
    public const string UniqueViolation = "23505";

    /// <summary>SQLSTATE of a permission failure (also raised by the append-only triggers).</summary>
    public const string InsufficientPrivilege = "42501";

    /// <summary>Wraps <paramref name="exception"/>; <paramref name="action"/> completes "could not …", e.g. "append a batch".</summary>
    public static LedgerStoreException Wrap(NpgsqlException exception, string target, string action)
    {
        if (exception is not PostgresException postgres)
        {
            string reason = exception.InnerException is SocketException or IOException or TimeoutException || exception.IsTransient
                ? $"the server could not be reached or the connection broke ({exception.Message}). Check that PostgreSQL is running and reachable, then retry; a batch that failed this way was not committed"
                : exception.Message;
            return new LedgerStoreException($"Could not {action} on {target}: {reason}.", exception);
        }

        string message = postgres.SqlState switch
        {
            "28P01" or "28000" =>
                $"Could not {action}: {target} refused the login ({postgres.MessageText}). Check the Username and Password of the connection string.",
            "3D000" =>
                $"Could not {action}: {target} does not exist ({postgres.MessageText}). Create the database (createdb) or fix the Database of the connection string.",
            "3F000" or "42P01" or "42883" =>
                $"Could not {action}: {target} holds no DecisionLedger schema ({postgres.MessageText}). Run the migrations with the owner connection ('dledger migrate --connection …' or PostgreSqlLedgerMigrator.MigrateAsync), or check the schema name.",
            InsufficientPrivilege =>
                $"Could not {action}: {target} refused it ({postgres.MessageText}). Changing or deleting entries, request ids, tiles or checkpoints is refused by design (append-only); " +
                "otherwise the role lacks a privilege: run 'dledger migrate --connection … --app-role …' with the owner connection (which needs CREATE on the database, or an existing schema it owns).",
            "53100" =>
                $"Could not {action}: the disk of {target} is full; nothing of this write was stored. Free space and retry.",
            "57P01" or "57P02" or "57P03" or "08000" or "08003" or "08006" =>
                $"Could not {action}: {target} is shutting down, starting or lost the connection ({postgres.MessageText}); nothing of this write was committed. Retry when the server is back.",
            "40001" or "40P01" =>
                $"Could not {action}: {target} aborted the transaction to resolve a conflict ({postgres.MessageText}); nothing was stored. Retry.",
            UniqueViolation =>
                $"Could not {action}: {target} refused it ({postgres.MessageText}); nothing of this write was stored.",
            _ =>
                $"Could not {action} on {target}: {postgres.MessageText} (SQLSTATE {postgres.SqlState}).",
        };
        return new LedgerStoreException(message, exception);
    }
}
