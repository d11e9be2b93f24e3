using System.Security.Cryptography;
using DecisionLedger.Archiving;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// A demo ledger (<see cref="Source"/>), an archive directory holding every one of its decisions as the
/// archiver lays them out (Parquet per model and month, split in two seq ranges, a signed manifest
/// beside each file), and an empty ledger (<see cref="Empty"/>) whose queries can only find what the
/// archive holds: the same query on both must select the same seqs.
/// </summary>
public sealed class ArchiveFixture : IAsyncLifetime
{
    internal TempLedger Temp { get; } = new();

    internal string Source => Temp.Ledger;

    internal string Empty => Path.Combine(Temp.Root, "empty");

    internal string ArchiveDirectory => Path.Combine(Temp.Root, "archive");

    /// <summary>Every archived decision's seq, newest first.</summary>
    internal long[] ArchivedSeqs { get; private set; } = [];

    /// <summary>The archive's files: relative path and bytes.</summary>
    internal Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        CliResult demo = await CliRun.RunAsync("demo", "--count", "240", "--ledger", Source);
        Assert.True(demo.ExitCode == 0, demo.ToString());
        CliResult init = await CliRun.RunAsync("init", "--origin", "archive.test/empty", "--ledger", Empty);
        Assert.True(init.ExitCode == 0, init.ToString());

        var rows = new List<ArchiveRow>();
        await using (LedgerSession session = await LedgerSession.OpenAsync(Source, forWrite: false, (path, readOnly) => new SqliteLedgerStore(path, new SqliteLedgerStoreOptions { ReadOnly = true }), openStore: true, CancellationToken.None))
        {
            var inputs = (IInputStore)session.Store;
            await foreach (StoredEntry entry in session.Store.QueryAsync(new EntryFilter { Kind = EntryColumns.DecisionKind, Limit = 100_000 }))
            {
                StoredInput? input = await inputs.GetInputAsync(entry.Seq);
                EntryColumns c = entry.Columns;
                rows.Add(new ArchiveRow(entry.Seq, c.RequestId, (c.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10, c.ModelName, c.ModelVersion, c.SubjectId, entry.CanonicalBytes, input?.Input, input?.Salt));
            }

            rows.Reverse();
            ArchivedSeqs = [.. rows.Select(r => r.Seq).Reverse()];
            StoredCheckpoint? checkpoint = await session.Store.GetLatestCheckpointAsync();
            Assert.NotNull(checkpoint);
            long middle = rows[rows.Count / 2].Seq;
            foreach (IGrouping<(string? Model, string Month, bool Late), ArchiveRow> file in rows.GroupBy(r => (r.Model, ArchivePaths.Month(DateTimeOffset.UnixEpoch.AddTicks(r.Timestamp * 10)), r.Seq >= middle)))
            {
                ArchiveRow[] fileRows = [.. file];
                string path = ArchivePaths.FilePath(file.Key.Model, file.Key.Month, fileRows[0].Seq, fileRows[^1].Seq);
                byte[] parquet = await ArchiveParquetWriter.ToBytesAsync(fileRows);
                var manifest = new ArchiveManifest(path, file.Key.Model, file.Key.Month, fileRows[0].Seq, fileRows[^1].Seq, fileRows.Length,
                    Convert.ToHexStringLower(SHA256.HashData(parquet)), ArchiveLeaves.Root(fileRows), checkpoint.TreeSize, checkpoint.RootHash);
                Files[path] = parquet;
                Files[ArchivePaths.ManifestPath(path)] = System.Text.Encoding.UTF8.GetBytes(ArchiveManifestNote.Sign(manifest, session.Directory.Signer));
            }
        }

        foreach ((string path, byte[] bytes) in Files)
        {
            string local = Path.Combine(ArchiveDirectory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await File.WriteAllBytesAsync(local, bytes);
        }
    }

    public Task DisposeAsync()
    {
        Temp.Dispose();
        return Task.CompletedTask;
    }
}
