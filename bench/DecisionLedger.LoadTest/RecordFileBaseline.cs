using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.LoadTest;

/// <summary>
/// The two halves of bench/record-file.sh: <c>ndjson FILE COUNT</c> writes the load tool's ~1.1 KB
/// decisions one per line, and <c>raw-insert FILE DB</c> is the yardstick for <c>dledger record FILE</c>:
/// it reads the same lines and inserts them as they are into SQLite (WAL, synchronous=FULL, one
/// transaction per 8,192 rows, a table with only a primary key), timed from outside like the CLI.
/// </summary>
internal static class RecordFileBaseline
{
    public static int WriteNdjson(string[] args)
    {
        string path = args[0];
        int count = int.Parse(args[1], CultureInfo.InvariantCulture);
        var random = new Random(7);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 20);
        for (int i = 0; i < count; i++)
        {
            writer.Write(LoadDecisions.Json(random, i));
            writer.Write('\n');
        }

        return 0;
    }

    public static int RawInsert(string[] args)
    {
        string path = args[0];
        string database = args[1];
        var stopwatch = Stopwatch.StartNew();
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
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
        long rows = 0;
        SqliteTransaction transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            seq.Value = rows++;
            body.Value = Encoding.UTF8.GetBytes(line);
            insert.ExecuteNonQuery();
            if (rows % 8_192 == 0)
            {
                transaction.Commit();
                transaction.Dispose();
                transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
            }
        }

        transaction.Commit();
        transaction.Dispose();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw-insert: {rows} rows in {stopwatch.Elapsed.TotalSeconds:F2} s (inside the process)"));
        return 0;
    }
}
