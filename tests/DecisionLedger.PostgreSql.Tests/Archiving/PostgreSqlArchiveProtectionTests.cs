using DecisionLedger.Archiving;
using Npgsql;

namespace DecisionLedger.PostgreSql.Tests.Archiving;

/// <summary>
/// The append-only protections after migration 10 allow exactly the sanctioned removal: no plain
/// DELETE of a body (not even the owner's), no DROP or DETACH of a partition by the application role,
/// no removal of a range that was not recorded after its <c>archived</c> event, no edit of a
/// recorded range.
/// </summary>
public sealed class PostgreSqlArchiveProtectionTests : ScratchSchemaTests, IDisposable
{
    private readonly PostgresArchiveLedger _ledger;

    public PostgreSqlArchiveProtectionTests() => _ledger = new PostgresArchiveLedger(Schema, Role);

    [PostgresFact]
    public async Task PlainDeleteOfABody_IsRefused_EvenToTheOwnerWithTheRemovalFlagSet()
    {
        await _ledger.MigrateAsync();
        await _ledger.SeedAsync();
        await _ledger.ArchiveAsync();
        string s = $"\"{Schema}\"";

        // A live decision outside every archived range.
        await AssertRefusedAsync(_ledger.Owner, $"DELETE FROM {s}.entries WHERE seq = (SELECT max(seq) FROM {s}.entries WHERE kind = 'decision');", "append-only");

        // The owner forging the function's flag still cannot delete what no range covers, nor an event inside a range.
        await AssertRefusedAsync(_ledger.Owner, $"SELECT set_config('{PostgreSqlArchiveSchema.RemovalSetting}', '{Schema}', false); DELETE FROM {s}.entries WHERE seq = (SELECT max(seq) FROM {s}.entries WHERE kind = 'decision');", "append-only");
        await AssertRefusedAsync(_ledger.Owner, $"SELECT set_config('{PostgreSqlArchiveSchema.RemovalSetting}', '{Schema}', false); DELETE FROM {s}.entries WHERE seq = 0;", "append-only");

        // The application role has no DELETE on entries at all, and cannot TRUNCATE.
        await AssertRefusedAsync(_ledger.App, $"DELETE FROM {s}.entries WHERE kind = 'decision';", "permission denied");
        await AssertRefusedAsync(_ledger.Owner, $"TRUNCATE {s}.entries;", "append-only");
        Assert.True(await _ledger.ScalarAsync($"SELECT count(*) FROM {s}.entries WHERE kind = 'decision';") > 0);
    }

    [PostgresFact]
    public async Task DroppingOrDetachingAPartition_IsRefusedToTheApplicationRole_AndRemovalNeedsARecordedRange()
    {
        await _ledger.MigrateAsync();
        await _ledger.SeedAsync();
        string s = $"\"{Schema}\"";

        await AssertRefusedAsync(_ledger.App, $"DROP TABLE {s}.entries_202601;", "must be owner");
        await AssertRefusedAsync(_ledger.App, $"ALTER TABLE {s}.entries DETACH PARTITION {s}.entries_202601;", "must be owner");
        await AssertRefusedAsync(_ledger.App, $"INSERT INTO {s}.archived_ranges(first_seq, last_seq, event_seq, destination) VALUES (0, 400, 601, 'dir:/tmp/x');", "permission denied");

        // Through the functions: no range was recorded, and seq 5 is no archived event.
        await AssertRefusedAsync(_ledger.App, $"SELECT {s}.remove_archived_bodies(0, 400);", "no archived range covers seqs 0…400");
        await AssertRefusedAsync(_ledger.App, $"SELECT {s}.record_archived_range(0, 400, 5, 'dir:/tmp/x');", "not an 'archived' event entry");

        await using PostgreSqlLedgerStore store = _ledger.OpenStore();
        await store.OpenAsync();
        ArgumentException removal = await Assert.ThrowsAsync<ArgumentException>(async () => await store.RemoveArchivedBodiesAsync(0, 400));
        Assert.Equal("firstSeq", removal.ParamName);
        ArgumentException record = await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordArchivedRangeAsync(new ArchivedRange(0, 400, 5, "dir:/tmp/x")));
        Assert.Contains("range.eventSeq", record.Message, StringComparison.Ordinal);

        Assert.Equal(3 * PostgresArchiveLedger.PerMonth, await _ledger.ScalarAsync($"SELECT count(*) FROM {s}.entries WHERE kind = 'decision';"));
        Assert.Contains("entries_202601", await _ledger.PartitionsAsync());
    }

    [PostgresFact]
    public async Task RecordedRanges_AreAppendOnly_AndCannotOverlapOrReachPastTheTiles()
    {
        await _ledger.MigrateAsync();
        await _ledger.SeedAsync();
        ArchiveRunResult result = (await _ledger.ArchiveAsync())!;
        string s = $"\"{Schema}\"";

        await AssertRefusedAsync(_ledger.Owner, $"UPDATE {s}.archived_ranges SET last_seq = 9999;", "append-only");
        await AssertRefusedAsync(_ledger.Owner, $"UPDATE {s}.archived_ranges SET removed_rows = 0;", "append-only");
        await AssertRefusedAsync(_ledger.Owner, $"DELETE FROM {s}.archived_ranges;", "append-only");
        await AssertRefusedAsync(_ledger.Owner, $"DELETE FROM {s}.dropped_partitions;", "append-only");

        await using PostgreSqlLedgerStore store = _ledger.OpenStore();
        await store.OpenAsync();
        ArgumentException overlap = await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordArchivedRangeAsync(new ArchivedRange(100, result.LastSeq + 5, result.EventSeq, "dir:/tmp/x")));
        Assert.Contains("overlap", overlap.Message, StringComparison.Ordinal);

        // Recording the same range again changes nothing.
        await store.RecordArchivedRangeAsync(new ArchivedRange(result.FirstSeq, result.LastSeq, result.EventSeq, result.Destination));
        Assert.Single(await store.ReadArchivedRangesAsync());

        // A range whose leaves no stored tile keeps is refused, even after an archived event.
        long size = await store.GetSizeAsync();
        ArgumentException pastTiles = await Assert.ThrowsAsync<ArgumentException>(async () => await store.RecordArchivedRangeAsync(new ArchivedRange(result.LastSeq + 1, result.EventSeq - 1, result.EventSeq, "dir:/tmp/x")));
        Assert.Contains("level-0 tile", pastTiles.Message, StringComparison.Ordinal);
        Assert.Equal(size, await store.GetSizeAsync());
    }

    public void Dispose() => _ledger.Dispose();

    private static async Task AssertRefusedAsync(string connectionString, string sql, string reason)
    {
        PostgresException refused = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(connectionString, sql));
        Assert.Contains(reason, refused.MessageText, StringComparison.Ordinal);
    }
}
