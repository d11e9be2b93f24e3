using System.Security.Cryptography;
using DecisionLedger.Archiving;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests.Archiving;

public sealed class SqliteArchiveTests : IDisposable
{
    private readonly ArchiveFixture _fixture = new();

    [Fact]
    public async Task Archive_SeveralModelsAndMonths_WritesOneSignedFilePerModelAndMonth()
    {
        await _fixture.SeedAsync(600);

        ArchiveRunResult? result = await _fixture.ArchiveAsync();

        // The checkpoint covers 600 entries: only the two full tiles (seqs 0-511) may leave.
        Assert.NotNull(result);
        Assert.Equal(0, result.FirstSeq);
        Assert.Equal(511, result.LastSeq);
        Assert.Equal(512, result.RemovedRows);
        Assert.Equal(
            ["credit/2026-01/000000000001-000000000299.parquet", "credit/2026-02/000000000301-000000000511.parquet", "fraud/2026-01/000000000000-000000000298.parquet", "fraud/2026-02/000000000300-000000000510.parquet"],
            result.Files.Select(f => f.File).Order(StringComparer.Ordinal));
        foreach (ArchivedFile file in result.Files)
        {
            byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(_fixture.ArchivePath, file.File));
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            ArchiveManifest manifest = ArchiveManifestNote.Open(await File.ReadAllTextAsync(Path.Combine(_fixture.ArchivePath, file.File + ".manifest")), _fixture.Ledger.Signer.Verifier);
            IReadOnlyList<ArchiveRow> rows = await ArchiveParquetReader.ReadAsync(new MemoryStream(bytes));
            Assert.Equal(file.File, manifest.File);
            Assert.Equal(rows.Count, manifest.Rows);
            Assert.Equal(file.Rows, manifest.Rows);
            Assert.Equal(rows[0].Seq, manifest.FirstSeq);
            Assert.Equal(rows[^1].Seq, manifest.LastSeq);
            Assert.Equal(ArchiveLeaves.Root(rows), manifest.LeavesRoot);
            Assert.Equal(600, manifest.CheckpointSize);
            Assert.All(rows, r => Assert.Equal(manifest.Model, r.Model));
            Assert.All(rows, r => Assert.NotNull(r.Input));
        }

        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        LedgerHead head = await store.OpenAsync();
        Assert.Equal(601, head.Size);
        Assert.Null(await store.GetEntryAsync(0));
        Assert.Null(await store.GetInputAsync(0));
        Assert.NotNull(await store.GetEntryAsync(512));
        StoredEntry? archivedEvent = await store.GetEntryAsync(result.EventSeq);
        Assert.Equal(LedgerEvent.ArchivedKind, archivedEvent!.Columns.Kind);
        EventEntry parsed = EventCanonicalizer.Parse(archivedEvent.CanonicalBytes);
        Assert.Equal(result.Files.Count, parsed.Event.Archived!.Files.Count);
        Assert.Equal(_fixture.Destination.Describe(), parsed.Event.Archived.Destination);

        // Leaves of archived seqs still come from the live tiles: the tree's root is unchanged.
        IReadOnlyList<Sha256Hash> leaves = await store.ReadLeafHashesAsync(0, 601);
        Assert.Equal(601, leaves.Count);
        MerkleTree tree = MerkleTree.CreateEmpty(new InMemoryTileStore());
        foreach (Sha256Hash leaf in leaves)
        {
            tree.Append(leaf);
        }

        StoredCheckpoint? checkpoint = await store.GetLatestCheckpointAsync();
        Assert.Equal(checkpoint!.RootHash, await tree.GetRootAsync(checkpoint.TreeSize));
    }

    [Fact]
    public async Task Archive_FileCorruptedBeforeReadBack_LeavesLiveStoreUntouched()
    {
        await _fixture.SeedAsync(300);
        long before = _fixture.Scalar("SELECT count(*) FROM entries;");

        var error = await Assert.ThrowsAsync<ArchiveReadBackException>(() => _fixture.ArchiveAsync(new FlippingDestination(_fixture.Destination)));

        Assert.Contains(".parquet", error.Message, StringComparison.Ordinal);
        Assert.Contains(error.File, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _fixture.Scalar("SELECT count(*) FROM entries;"));
        Assert.Equal(0, _fixture.Scalar("SELECT count(*) FROM archived_ranges;"));
        Assert.Equal(0, _fixture.Scalar("SELECT count(*) FROM entries WHERE kind = 'archived';"));
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        Assert.NotNull(await store.GetEntryAsync(0));
    }

    [Fact]
    public async Task Archive_RunAgain_ArchivesNothingTwice()
    {
        await _fixture.SeedAsync(300);
        ArchiveRunResult? first = await _fixture.ArchiveAsync();
        int files = Directory.GetFiles(_fixture.ArchivePath, "*", SearchOption.AllDirectories).Length;

        ArchiveRunResult? second = await _fixture.ArchiveAsync();

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(files, Directory.GetFiles(_fixture.ArchivePath, "*", SearchOption.AllDirectories).Length);
        Assert.Equal(1, _fixture.Scalar("SELECT count(*) FROM archived_ranges;"));
        Assert.Equal(1, _fixture.Scalar("SELECT count(*) FROM entries WHERE kind = 'archived';"));
    }

    [Theory]
    [InlineData("DELETE FROM entries WHERE seq = 290;")] // a decision outside every archived range
    [InlineData("DELETE FROM entries WHERE kind = 'archived';")] // an event entry
    [InlineData("DELETE FROM archived_ranges;")]
    [InlineData("UPDATE archived_ranges SET last_seq = 1000;")]
    public async Task DeleteTrigger_AfterArchive_RefusesEveryOtherDelete(string sql)
    {
        await _fixture.SeedAsync(300);
        Assert.NotNull(await _fixture.ArchiveAsync());

        using SqliteConnection raw = _fixture.OpenRaw();
        using SqliteCommand command = raw.CreateCommand();
        command.CommandText = sql;
        var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteTrigger_WithoutArchive_RefusesDecisionDelete()
    {
        await _fixture.SeedAsync(10);
        await using (SqliteLedgerStore store = _fixture.Ledger.OpenStore())
        {
            await store.OpenAsync();
        }

        using SqliteConnection raw = _fixture.OpenRaw();
        using SqliteCommand command = raw.CreateCommand();
        command.CommandText = "DELETE FROM entries WHERE seq = 0;";
        var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_AfterArchive_ShrinksTheDatabaseFile()
    {
        await _fixture.SeedAsync(1100, inputBytes: 2000);
        long before = FileSize();

        ArchiveRunResult? result = await _fixture.ArchiveAsync();
        await using (SqliteLedgerStore store = _fixture.Ledger.OpenStore())
        {
            await store.OpenAsync();
            await store.CompactAsync();
        }

        long after = FileSize();
        Assert.Equal(1024, result!.RemovedRows);
        Assert.True(after < before / 2, $"the database is {after} bytes after archiving 1024 of 1100 decisions and VACUUM, {before} before");
    }

    [Fact]
    public async Task RemoveArchivedBodies_WithoutRecordedRange_IsRefused()
    {
        await _fixture.SeedAsync(10);
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.RemoveArchivedBodiesAsync(0, 5).AsTask());

        Assert.Contains("no archived range covers seqs 0…5", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await store.GetEntryAsync(0));
    }

    private long FileSize()
    {
        SqliteConnection.ClearAllPools();
        return new FileInfo(_fixture.Ledger.DatabasePath).Length;
    }

    public void Dispose() => _fixture.Dispose();
}
