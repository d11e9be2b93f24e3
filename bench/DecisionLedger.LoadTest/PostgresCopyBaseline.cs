using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.LoadTest;

/// <summary>
/// The PostgreSQL yardstick: binary COPY (<see cref="NpgsqlConnection.BeginBinaryImport"/>) of the
/// same rows (seq and canonical bytes) into a table with only a primary key, one COPY and one
/// transaction per 8,192 rows, into the run's schema (dropped with it).
/// </summary>
internal static class PostgresCopyBaseline
{
    private const int RowsPerCopy = 8_192;

    public static async Task<(BaselineResult Result, IReadOnlyList<string> Cpu)> RunAsync(LoadSettings settings, List<byte[]> bodies)
    {
        await using var connection = new NpgsqlConnection(settings.Connection);
        await connection.OpenAsync();
        string table = $"\"{LoadStore.PostgresSchema}\".raw_copy";
        await using (var create = new NpgsqlCommand($"CREATE TABLE {table} (seq bigint PRIMARY KEY, body bytea NOT NULL);", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        CpuMeter cpu = CpuMeter.Start("postgres");
        var stopwatch = Stopwatch.StartNew();
        for (int start = 0; start < bodies.Count; start += RowsPerCopy)
        {
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync();
            await using (NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync($"COPY {table} (seq, body) FROM STDIN (FORMAT BINARY)"))
            {
                int end = Math.Min(bodies.Count, start + RowsPerCopy);
                for (int i = start; i < end; i++)
                {
                    await importer.StartRowAsync();
                    await importer.WriteAsync((long)i, NpgsqlDbType.Bigint);
                    await importer.WriteAsync(bodies[i], NpgsqlDbType.Bytea);
                }

                await importer.CompleteAsync();
            }

            await transaction.CommitAsync();
        }

        stopwatch.Stop();
        return (new BaselineResult(bodies.Count, stopwatch.Elapsed), [.. cpu.Report(bodies.Count)]);
    }
}
