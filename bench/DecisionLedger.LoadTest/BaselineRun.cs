using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.LoadTest;

internal sealed record BaselineResult(long Rows, TimeSpan Elapsed)
{
    public double Throughput => Rows / Elapsed.TotalSeconds;
}

/// <summary>The yardsticks: what SQLite itself does with the same bytes and the same durability settings.</summary>
internal static class BaselineRun
{
    public static BaselineResult RawBatched(LoadSettings settings, List<byte[]> bodies) =>
        Insert(Path.Combine(settings.WorkDirectory, "raw-batched.db"), bodies, bodies.Count, batchSize: 8_192);

    public static BaselineResult CommitPerRecord(LoadSettings settings, List<byte[]> bodies, int rows) =>
        Insert(Path.Combine(settings.WorkDirectory, "per-record.db"), bodies, rows, batchSize: 1);

    private static BaselineResult Insert(string path, List<byte[]> bodies, int rows, int batchSize)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (SqliteCommand pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE entries(seq INTEGER PRIMARY KEY, body BLOB NOT NULL);";
            pragma.ExecuteNonQuery();
        }

        using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO entries(seq, body) VALUES ($seq, $body)";
        SqliteParameter seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        SqliteParameter body = insert.Parameters.Add("$body", SqliteType.Blob);
        var stopwatch = Stopwatch.StartNew();
        for (int start = 0; start < rows; start += batchSize)
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            int end = Math.Min(rows, start + batchSize);
            for (int i = start; i < end; i++)
            {
                seq.Value = i;
                body.Value = bodies[i];
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        stopwatch.Stop();
        return new BaselineResult(rows, stopwatch.Elapsed);
    }
}
