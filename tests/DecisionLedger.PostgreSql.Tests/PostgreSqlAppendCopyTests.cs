using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;

namespace DecisionLedger.PostgreSql.Tests;

/// <summary>
/// The append path's own COPY encoding (<see cref="PostgreSqlCopyRows"/>) and one-statement tile
/// insert (<see cref="PostgreSqlTailInsert"/>): values that cannot be encoded, rows larger than a
/// chunk, timestamps at the edges, and a tile repeated within one write.
/// </summary>
public sealed class PostgreSqlAppendCopyTests : IAsyncLifetime
{
    private readonly string _schema = PostgresServer.NewSchemaName();
    private string _owner = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is null)
        {
            _owner = await PostgresServer.OwnerConnectionStringAsync();
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (PostgresServer.SkipReason is null)
        {
            await PostgresServer.DropSchemaAsync(_schema);
        }
    }

    [PostgresFact]
    public async Task Append_TextThatIsNotValidUtf16_RefusedNamingTheColumnAndNothingStored()
    {
        await using PostgreSqlLedgerStore store = await OpenAsync();

        LedgerStoreException error = await Assert.ThrowsAsync<LedgerStoreException>(
            () => store.AppendAsync(Some.Batch([Some.Entry(0), Some.Entry(1, userId: "analyst_\uD800")])).AsTask());

        Assert.Contains("user_id", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.GetSizeAsync());

        // The COPY was abandoned cleanly: the same connection takes the next batch.
        StoredEntry[] entries = Some.Entries(0, 2);
        await store.AppendAsync(Some.Batch(entries));
        StoreAssert.Equal(entries, await ToListAsync(store.ReadEntriesAsync(0, 2)));
    }

    [PostgresFact]
    public async Task Append_RowsLargerThanACopyChunk_ReadBackEqual()
    {
        await using PostgreSqlLedgerStore store = await OpenAsync();
        StoredEntry small = Some.Entry(0);
        StoredEntry large = WithBody(Some.Entry(1), 300_000);
        StoredEntry after = Some.Entry(2);

        await store.AppendAsync(Some.Batch([small, large, after]));
        await store.AppendAsync(Some.Batch(Some.Entries(3, 2)));

        StoreAssert.Equal([small, large, after, .. Some.Entries(3, 2)], await ToListAsync(store.ReadEntriesAsync(0, 5)));
    }

    [PostgresFact]
    public async Task Append_TimestampsWithSubMicrosecondTicks_ReadBackAtTheMicrosecondNpgsqlWrites()
    {
        await using PostgreSqlLedgerStore store = await OpenAsync();
        var before2000 = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1_234_567);
        var after2000 = new DateTimeOffset(2026, 12, 6, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(7_654_321);

        await store.AppendAsync(Some.Batch([Some.Entry(0, timestamp: before2000), Some.Entry(1, timestamp: after2000)]));

        List<StoredEntry> read = await ToListAsync(store.ReadEntriesAsync(0, 2));
        Assert.Equal(AsNpgsqlStores(before2000), read[0].Columns.Timestamp);
        Assert.Equal(AsNpgsqlStores(after2000), read[1].Columns.Timestamp);
        Assert.Equal(new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1_234_570), read[0].Columns.Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 1, 4, 5, TimeSpan.Zero).AddTicks(7_654_320), read[1].Columns.Timestamp);
        Assert.Equal(TimeSpan.Zero, read[1].Columns.Timestamp.Offset);
    }

    [PostgresFact]
    public async Task WriteTiles_SameIdTwiceInOneWriteWithDifferentContent_RefusedAndNothingStored()
    {
        await using PostgreSqlLedgerStore store = await OpenAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.WriteTilesAsync([(new TileId(0, 4), Some.Tile(1)), (new TileId(0, 4), Some.Tile(2))]).AsTask());
        Assert.Null(await store.ReadTileAsync(new TileId(0, 4)));

        await store.WriteTilesAsync([(new TileId(0, 4), Some.Tile(1)), (new TileId(0, 4), Some.Tile(1))]);
        Assert.True(Some.Tile(1).BaseEquals((await store.ReadTileAsync(new TileId(0, 4)))!));
    }

    // A JSON body of about `bytes` bytes (the field catalog reads every body as JSON).
    private static StoredEntry WithBody(StoredEntry entry, int bytes)
    {
        var padding = new string('a', bytes);
        byte[] body = Encoding.UTF8.GetBytes($$"""{"kind":"decision","padding":"{{padding}}","seq":{{entry.Seq}}}""");
        return entry with { CanonicalBytes = body, LeafHash = MerkleHasher.HashLeaf(body) };
    }

    // PostgreSQL keeps microseconds since 2000-01-01; Npgsql divides the ticks since then by 10
    // (dropping the 100 ns digit toward 2000, no rounding), and the store's own encoding does the same.
    private static DateTimeOffset AsNpgsqlStores(DateTimeOffset value)
    {
        long epoch = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        return new DateTimeOffset(epoch + ((value.UtcTicks - epoch) / 10 * 10), TimeSpan.Zero);
    }

    private async Task<PostgreSqlLedgerStore> OpenAsync()
    {
        var store = new PostgreSqlLedgerStore(_owner, new PostgreSqlLedgerStoreOptions { Schema = _schema, MigrateOnOpen = true });
        await store.OpenAsync();
        return store;
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (T item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
