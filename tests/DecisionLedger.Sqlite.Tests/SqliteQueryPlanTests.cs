using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>
/// How SQLite finds a first page: time ranges and indexed where-paths drive the query by seq
/// (checked against a plain LINQ oracle, timestamps out of seq order, dense and narrow ranges,
/// every page of a cursor walk), and the operator's declared indexes (errors, idempotence, scan guard).
/// </summary>
public sealed class SqliteQueryPlanTests : IDisposable
{
    private const int Count = 12_000;
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    public void Dispose() => _directory.Dispose();

    public static TheoryData<int, int, string?> Ranges => new()
    {
        // Narrow ranges (far below the probe limit) take the driven plan, the widest the ordinary one.
        { 0, 150, null },
        { 5_000, 5_400, null },
        { 5_000, 5_400, "output.score >= 0.9" },
        { 100, 11_900, null },
        { 100, 11_900, "output.score >= 0.95" },
        { 0, 12_000, "output.score = 0.5" },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task LedgerQuery_TimeRangeOverShuffledTimestamps_PagesExactlyLikeAScan(int fromSecond, int toSecond, string? where)
    {
        await using var store = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { IndexerPaused = true });
        StoredEntry[] entries = await AppendShuffledAsync(store, index: false);
        var filter = new EntryFilter
        {
            From = Some.Epoch.AddSeconds(fromSecond),
            To = Some.Epoch.AddSeconds(toSecond),
            Where = where is null ? [] : WhereParser.Parse(where),
            Limit = 250,
        };
        long[] expected = entries
            .Where(e => e.Columns.Timestamp >= filter.From && e.Columns.Timestamp < filter.To && (where is null || Matches(e, where)))
            .Select(e => e.Seq).OrderDescending().ToArray();

        Assert.Equal(expected, await PageAllAsync(store, filter));
        Assert.Equal(Count, await store.IndexPendingAsync());
        Assert.Equal(expected, await PageAllAsync(store, filter));
        Assert.True(await store.AddFieldIndexAsync("output.score"));
        Assert.Equal(expected, await PageAllAsync(store, filter));
    }

    [Fact]
    public async Task ExplainQueryAsync_NarrowTimeRange_SortsOnlySeqsFromTheTimeIndex()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await AppendShuffledAsync(store);

        IReadOnlyList<string> plan = await store.ExplainQueryAsync(new EntryFilter { From = Some.Epoch, To = Some.Epoch.AddSeconds(100), Limit = 21 });

        string text = string.Join('\n', plan);
        Assert.Contains("COVERING INDEX ix_entry_index_ts", text, StringComparison.Ordinal);
        Assert.DoesNotContain("FOR ORDER BY", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplainQueryAsync_RareValueOfIndexedPath_UsesThePathIndex()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await AppendShuffledAsync(store);
        var filter = new EntryFilter { ModelName = "fraud_detector", Where = WhereParser.Parse("output.score = 0.5"), Limit = 21 };
        Assert.DoesNotContain(await store.ExplainQueryAsync(filter), line => line.Contains("ix_field:", StringComparison.Ordinal));

        await store.AddFieldIndexAsync("output.score");

        string text = string.Join('\n', await store.ExplainQueryAsync(filter));
        Assert.Contains("INDEX ix_field:output.score", text, StringComparison.Ordinal);
        Assert.DoesNotContain("FOR ORDER BY", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFieldIndexAsync_DeclaredTwiceListedAndDropped_IsIdempotent()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));

        Assert.True(await store.AddFieldIndexAsync("output.score"));
        Assert.False(await store.AddFieldIndexAsync("output.score"));
        Assert.True(await store.AddFieldIndexAsync("input.amount"));
        Assert.Equal(["input.amount", "output.score"], await store.GetIndexedFieldPathsAsync());

        Assert.True(await store.DropFieldIndexAsync("output.score"));
        Assert.False(await store.DropFieldIndexAsync("output.score"));
        Assert.Equal(["input.amount"], await store.GetIndexedFieldPathsAsync());
        await using var readOnly = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        await readOnly.OpenAsync();
        Assert.Equal(["input.amount"], await readOnly.GetIndexedFieldPathsAsync());
    }

    [Fact]
    public async Task AddFieldIndexAsync_PathNoEntryHolds_IsErrorNamingThePath()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));

        ArgumentException unknown = await Assert.ThrowsAsync<ArgumentException>(async () => await store.AddFieldIndexAsync("output.lable"));
        FormatException malformed = await Assert.ThrowsAsync<FormatException>(async () => await store.AddFieldIndexAsync("output..label"));

        Assert.StartsWith("field path \"output.lable\": no entry of this ledger holds it, so an index on it could serve no query.", unknown.Message, StringComparison.Ordinal);
        Assert.StartsWith("field path \"output..label\":", malformed.Message, StringComparison.Ordinal);
        Assert.Empty(await store.GetIndexedFieldPathsAsync());
    }

    [Fact]
    public async Task AddFieldIndexAsync_ReadOnlyStore_IsStoreError()
    {
        await using (var writable = new SqliteLedgerStore(DatabasePath))
        {
            await writable.OpenAsync();
            await writable.AppendAsync(Some.Batch(Some.Entries(0, 3)));
        }

        await using var store = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true });
        await store.OpenAsync();

        LedgerStoreException error = await Assert.ThrowsAsync<LedgerStoreException>(async () => await store.AddFieldIndexAsync("output.score"));

        Assert.Contains("opened read-only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LedgerQuery_ComparisonOnIndexedPath_CountsAsIndexedFilter()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 20)));
        var query = new LedgerQuery(store, new LedgerQueryOptions { ScanThreshold = 10 });
        var comparison = new EntryFilter { Where = WhereParser.Parse("output.score >= 0.015") };
        var notEqual = new EntryFilter { Where = WhereParser.Parse("output.score != 0.015") };
        await Assert.ThrowsAsync<QueryException>(async () => await query.RunAsync(comparison));

        await store.AddFieldIndexAsync("output.score");

        Assert.Equal([19L, 18L, 17L, 16L, 15L], (await query.RunAsync(comparison)).Entries.Select(e => e.Seq));
        await Assert.ThrowsAsync<QueryException>(async () => await query.RunAsync(notEqual));
    }

    [Theory]
    [InlineData("' OR '1'='1")]
    [InlineData("fraud'; DROP INDEX \"ix_field:output.label\"; --")]
    [InlineData("legit")]
    public async Task QueryAsync_ValueOnIndexedPath_IsBoundNotSpliced(string value)
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        StoredEntry[] entries = Some.Entries(0, 4);
        await store.AppendAsync(Some.Batch(entries));
        await store.AddFieldIndexAsync("model.name");
        var filter = new EntryFilter { Where = [new FieldPredicate(FieldPath.Parse("model.name"), WhereOperator.Equal, WhereLiteral.FromString(value))] };

        Assert.Empty(await ToListAsync(store.QueryAsync(filter)));
        Assert.Empty(await ToListAsync(store.QueryAsync(filter with { UserId = "analyst_jane" })));
        Assert.Equal(["model.name"], await store.GetIndexedFieldPathsAsync());
        Assert.Equal([3L, 2L, 1L, 0L], (await ToListAsync(store.QueryAsync(filter with { Where = WhereParser.Parse("model.name = \"fraud_detector\"") }))).Select(e => e.Seq));
    }

    [Fact]
    public async Task AppendAsync_WithInputIndex_StoresEncryptedAndPlaintextInputs()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));
        await store.AddFieldIndexAsync("input.amount");
        StoredEntry[] more = Some.Entries(3, 2);
        byte[] ciphertext = [0x01, 0x7B, 0xFF, 0x00];

        await store.AppendAsync(new AppendBatch(more, [Some.Input(3), new StoredInput(4, new byte[16], ciphertext)], [], null));

        Assert.Equal(ciphertext, (await store.GetInputAsync(4))!.Input);
        var filter = new EntryFilter { Where = WhereParser.Parse("input.amount >= 1") };
        Assert.Equal([3L, 2L, 1L], (await ToListAsync(store.QueryAsync(filter))).Select(e => e.Seq));
        Assert.Equal(1, await store.DeleteInputsAsync([2]));
        Assert.Equal([3L, 1L], (await ToListAsync(store.QueryAsync(filter))).Select(e => e.Seq));
    }

    // Entry n gets second perm(n) of the ledger's first Count seconds: timestamps unrelated to seq.
    // Indexed before returning unless told otherwise, so plans are those of a caught-up index.
    private static async Task<StoredEntry[]> AppendShuffledAsync(SqliteLedgerStore store, bool index = true)
    {
        await store.OpenAsync();
        int[] seconds = Enumerable.Range(0, Count).ToArray();
        new Random(5).Shuffle(seconds);
        StoredEntry[] entries = Enumerable.Range(0, Count).Select(i => Some.Entry(i, timestamp: Some.Epoch.AddSeconds(seconds[i]))).ToArray();
        await store.AppendAsync(Some.Batch(entries));
        if (index)
        {
            await store.IndexPendingAsync();
        }

        return entries;
    }

    private static bool Matches(StoredEntry entry, string where)
    {
        // Some.Entry's score is 0.(seq mod 1000), three digits.
        double score = entry.Seq % 1000 / 1000.0;
        return where switch
        {
            "output.score >= 0.9" => score >= 0.9,
            "output.score >= 0.95" => score >= 0.95,
            "output.score = 0.5" => score == 0.5,
            _ => throw new ArgumentOutOfRangeException(nameof(where), where, "No oracle for this predicate."),
        };
    }

    private static async Task<long[]> PageAllAsync(ILedgerStore store, EntryFilter filter)
    {
        var query = new LedgerQuery(store);
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            QueryPage page = await query.RunAsync(filter, cursor);
            seen.AddRange(page.Entries.Select(e => e.Seq));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return [.. seen];
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
