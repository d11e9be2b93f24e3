using System.Text;
using DecisionLedger.Archiving;
using DecisionLedger.Entries;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.PostgreSql.Tests.Archiving;

/// <summary>
/// Archiving on the real PostgreSQL (migration 10): months whose decisions are all archived are
/// swapped for a partition holding their events and dropped, a month the range covers in part loses
/// its archived rows one by one, leaves stay in the tiles, and the ledger still verifies and reads
/// through the archive.
/// </summary>
public sealed class PostgreSqlArchiveTests : ScratchSchemaTests, IDisposable
{
    private readonly PostgresArchiveLedger _ledger;

    public PostgreSqlArchiveTests() => _ledger = new PostgresArchiveLedger(Schema, Role);

    [PostgresFact]
    public async Task Archive_DropsWholeMonths_DeletesTheStraddlingMonthsRows_KeepsEventsAndLeaves()
    {
        await _ledger.MigrateAsync();
        await _ledger.SeedAsync();
        long decisionsInTiles = await _ledger.ScalarAsync($"SELECT count(*) FROM \"{Schema}\".entries WHERE kind = 'decision' AND seq < 512;");
        long januaryEvents = await _ledger.ScalarAsync($"SELECT count(*) FROM \"{Schema}\".entries_202601 WHERE kind <> 'decision';");
        Assert.True(januaryEvents >= 2, "the format event and the closing heads entry lie in January");

        ArchiveRunResult? result = await _ledger.ArchiveAsync();

        Assert.NotNull(result);
        Assert.Equal(0, result.FirstSeq);
        Assert.True(result.LastSeq < 512, $"only seqs of full tiles leave (last {result.LastSeq})");
        Assert.Equal(decisionsInTiles, result.RemovedRows);

        // January and February held archived decisions only: dropped, and logged.
        Assert.Equal(["entries_202601", "entries_202602"], await _ledger.StringsAsync($"SELECT partition_name FROM \"{Schema}\".dropped_partitions ORDER BY id;"));
        Assert.Equal(2 * PostgresArchiveLedger.PerMonth, await _ledger.ScalarAsync($"SELECT sum(decisions) FROM \"{Schema}\".dropped_partitions;"));
        List<string> partitions = await _ledger.PartitionsAsync();
        Assert.Contains("entries_202601", partitions);
        Assert.Contains("entries_202603", partitions);
        Assert.DoesNotContain(await _ledger.TablesAsync(), t => t.EndsWith("_archived", StringComparison.Ordinal));

        // The fresh January partition holds the month's events, byte for byte; no decision of the range is left.
        Assert.Equal(januaryEvents, await _ledger.ScalarAsync($"SELECT count(*) FROM \"{Schema}\".entries_202601;"));
        Assert.Equal(0, await _ledger.ScalarAsync($"SELECT count(*) FROM \"{Schema}\".entries WHERE kind = 'decision' AND seq <= {result.LastSeq};"));
        Assert.Equal(0, await _ledger.ScalarAsync($"SELECT count(*) FROM \"{Schema}\".inputs WHERE seq <= {result.LastSeq};"));

        // March straddles the range: its archived rows were deleted one by one, the rest stay.
        long marchLeft = await _ledger.ScalarAsync($"SELECT count(*) FROM \"{Schema}\".entries_202603 WHERE kind = 'decision';");
        Assert.Equal((3 * PostgresArchiveLedger.PerMonth) - decisionsInTiles, marchLeft);
        Assert.Equal(decisionsInTiles, await _ledger.ScalarAsync($"SELECT removed_rows FROM \"{Schema}\".archived_ranges WHERE first_seq = 0;"));

        await using PostgreSqlLedgerStore store = _ledger.OpenStore();
        LedgerHead head = await store.OpenAsync();
        StoredEntry? format = await store.GetEntryAsync(0);
        Assert.Equal(LedgerEvent.FormatKind, format!.Columns.Kind);
        long firstDecision = (await _ledger.StringsAsync($"SELECT seq::text FROM \"{Schema}\".request_ids WHERE request_id = 'req-1';")).Select(long.Parse).Single();
        Assert.Null(await store.GetEntryAsync(firstDecision));
        Assert.Null(await store.GetInputAsync(firstDecision));
        Assert.Equal(LedgerEvent.ArchivedKind, (await store.GetEntryAsync(result.EventSeq))!.Columns.Kind);

        // Leaves of removed rows come back from the tiles: the signed root is unchanged.
        StoredCheckpoint checkpoint = (await store.GetLatestCheckpointAsync())!;
        Assert.Equal(head.Size, checkpoint.TreeSize);
        Assert.Equal(checkpoint.RootHash, await PostgresArchiveLedger.RootOfLeavesAsync(store, checkpoint.TreeSize));

        // --compact as the application role: PostgreSQL skips VACUUM of tables it does not own with a warning, no failure.
        await store.CompactAsync();

        // request_ids stays: an archived decision's request id is still refused as a duplicate.
        await store.DisposeAsync();
        await Assert.ThrowsAsync<Recording.DuplicateRequestIdException>(() => _ledger.SeedAsync(from: 3, to: 3));

        // A late decision of a dropped month still finds its (fresh) partition, and the next run archives nothing twice.
        await _ledger.SeedAsync(from: 3, to: 3, requestPrefix: "late-");
        Assert.Equal(1, await _ledger.ScalarAsync($"SELECT count(*) FROM \"{Schema}\".entries_202601 WHERE kind = 'decision';"));
        Assert.Null(await _ledger.ArchiveAsync());
    }

    [PostgresFact]
    public async Task Verify_AcrossLiveAndArchive_Passes_AndNamesTheFileOfAnEditedRow()
    {
        await _ledger.MigrateAsync();
        await _ledger.SeedAsync();
        ArchiveRunResult result = (await _ledger.ArchiveAsync())!;

        await using PostgreSqlLedgerStore store = _ledger.OpenStore();
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _ledger.Signer.Verifier, PostgresArchiveLedger.Origin);
        Assert.True(report.Passed, report.FirstFinding?.ToString());
        Assert.Equal((await store.GetLatestCheckpointAsync())!.TreeSize, report.EntriesVerified);

        // An attacker with write access to the archive edits one row's entry bytes.
        ArchivedFile file = result.Files[0];
        string path = Path.Combine(_ledger.ArchivePath, file.File);
        List<ArchiveRow> rows;
        await using (FileStream read = File.OpenRead(path))
        {
            rows = [.. await ArchiveParquetReader.ReadAsync(read)];
        }

        ArchiveRow victim = rows[3];
        rows[3] = victim with { Entry = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(victim.Entry).Replace("\"ok\"", "\"no\"", StringComparison.Ordinal)) };
        Assert.NotEqual(victim.Entry, rows[3].Entry);
        await File.WriteAllBytesAsync(path, await ArchiveParquetWriter.ToBytesAsync(rows));

        VerificationReport tampered = await new LedgerVerifier().VerifyAsync(store, _ledger.Signer.Verifier, PostgresArchiveLedger.Origin);
        Assert.False(tampered.Passed);
        Assert.Contains(file.File, tampered.FirstFinding!.Detail, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task ArchiveView_ReadsArchivedSeqsFromTheFiles_AsShowExportAndQueryDo()
    {
        await _ledger.MigrateAsync();
        await _ledger.SeedAsync();
        StoredEntry before;
        StoredInput beforeInput;
        await using (PostgreSqlLedgerStore live = _ledger.OpenStore())
        {
            await live.OpenAsync();
            before = (await live.FindByRequestIdAsync("req-5"))!;
            beforeInput = (await live.GetInputAsync(before.Seq))!;
        }

        await _ledger.ArchiveAsync();

        await using PostgreSqlLedgerStore store = _ledger.OpenStore();
        await store.OpenAsync();
        Assert.Null(await store.FindByRequestIdAsync("req-5"));
        ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store);
        await using var view = new ArchiveBackedLedgerStore(store, new ArchiveReader(catalog, d => new DirectoryArchiveDestination(d["dir:".Length..]), _ledger.Signer.Verifier));

        StoredEntry? bySeq = await view.GetEntryAsync(before.Seq);
        Assert.Equal(before.CanonicalBytes, bySeq!.CanonicalBytes);
        Assert.Equal(before.Seq, (await view.FindByRequestIdAsync("req-5"))!.Seq);
        Assert.Equal(beforeInput.Input, (await view.GetInputAsync(before.Seq))!.Input);
        List<StoredEntry> fraud = await view.QueryAsync(new EntryFilter { ModelName = "fraud", Limit = 1000 }).ToListAsync();
        Assert.Equal(3 * PostgresArchiveLedger.PerMonth / 2, fraud.Count);
        Assert.Equal(3 * PostgresArchiveLedger.PerMonth, await view.ReadEntriesAsync(0, (await store.GetSizeAsync())).CountAsync(e => e.Columns.Kind == EntryColumns.DecisionKind));
    }

    public void Dispose() => _ledger.Dispose();
}
