using DecisionLedger.Archiving;
using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite;
using Parquet;

namespace DecisionLedger.Cli.Tests;

/// <summary>A demo ledger whose checkpointed decisions were archived to Parquet files in a directory, and the edits an attacker with write access to that directory could make.</summary>
internal static class ArchivedLedger
{
    /// <summary>Records a demo ledger (over one 256-entry tile: only whole tiles are archived), archives every checkpointed decision into <c>Root/archive</c> and returns the run.</summary>
    public static async Task<ArchiveRunResult> CreateAsync(TempLedger temp, int count = 300)
    {
        await SqliteTamper.CreateDemoAsync(temp, count);
        return await ArchiveAsync(temp);
    }

    /// <summary>The archive directory.</summary>
    public static string Directory(TempLedger temp) => Path.Combine(temp.Root, "archive");

    /// <summary>Archives every due, checkpointed decision of the ledger (real archiver, real SQLite removal).</summary>
    public static async Task<ArchiveRunResult> ArchiveAsync(TempLedger temp)
    {
        LedgerDirectory directory = LedgerDirectory.Open(temp.Ledger);
        var store = new SqliteLedgerStore(directory.DatabasePath);
        await using (store)
        {
            DecisionRecorder recorder = await LedgerRecorder.StartAsync(directory, store);
            try
            {
                var archiver = new LedgerArchiver(store, store, directory.Signer, recorder);
                ArchiveRunResult? result = await archiver.RunAsync(new DirectoryArchiveDestination(Directory(temp)), _ => true);
                Assert.NotNull(result);
                return result;
            }
            finally
            {
                await recorder.DisposeAsync();
            }
        }
    }

    /// <summary>The absolute path of an archive file of the run.</summary>
    public static string PathOf(TempLedger temp, string file) => Path.Combine(Directory(temp), file.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The rows of an archive file.</summary>
    public static async Task<List<ArchiveRow>> ReadRowsAsync(TempLedger temp, string file)
    {
        await using FileStream stream = File.OpenRead(PathOf(temp, file));
        return [.. await ArchiveParquetReader.ReadAsync(stream)];
    }

    /// <summary>Writes <paramref name="rows"/> over the archive file without checks (rows may be out of order), as an attacker would.</summary>
    public static async Task WriteRowsAsync(TempLedger temp, string file, IReadOnlyList<ArchiveRow> rows, CompressionMethod compression = CompressionMethod.Zstd)
    {
        await using FileStream stream = File.Create(PathOf(temp, file));
        ParquetWriter writer = await ParquetWriter.CreateAsync(ArchiveParquetSchema.Schema, stream, new ParquetOptions { CompressionMethod = compression });
        await using (writer)
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync<long>(ArchiveParquetSchema.Seq, rows.Select(r => r.Seq).ToArray());
            await group.WriteAsync(ArchiveParquetSchema.RequestId, rows.Select(r => (string?)r.RequestId).ToArray());
            await group.WriteAsync<long>(ArchiveParquetSchema.Timestamp, rows.Select(r => r.Timestamp).ToArray());
            await group.WriteAsync(ArchiveParquetSchema.Model, rows.Select(r => r.Model).ToArray());
            await group.WriteAsync(ArchiveParquetSchema.Version, rows.Select(r => r.Version).ToArray());
            await group.WriteAsync(ArchiveParquetSchema.Subject, rows.Select(r => r.Subject).ToArray());
            await group.WriteAsync(ArchiveParquetSchema.Entry, rows.Select(r => (byte[]?)r.Entry).ToArray());
            await group.WriteAsync(ArchiveParquetSchema.Input, rows.Select(r => r.Input).ToArray());
            await group.WriteAsync(ArchiveParquetSchema.Salt, rows.Select(r => r.Salt).ToArray());
        }
    }

    /// <summary>Runs verify and asserts it failed at <paramref name="seq"/> with <paramref name="kind"/>, naming <paramref name="file"/>.</summary>
    public static async Task AssertFindingAsync(TempLedger temp, long seq, string kind, string file)
    {
        CliResult verified = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        SqliteTamper.AssertFinding(verified, seq, kind);
        Assert.Contains(file, verified.Out, StringComparison.Ordinal);
    }
}
