using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.Store.ContractTests;

/// <summary>
/// The decision index may trail the log (SQLite's deferred indexer): queries must answer the same
/// while it lags, after a crash between a commit and its indexing, and once it caught up after a restart.
/// </summary>
public abstract partial class LedgerStoreContract
{
    /// <summary>
    /// Creates a new, empty, not yet opened store whose decision index lags: appended entries stay
    /// unindexed until <see cref="CatchUpIndexAsync"/>. Default: <see cref="CreateStoreAsync"/>, for
    /// stores that index in the commit and so never lag.
    /// </summary>
    protected virtual Task<ILedgerStore> CreateLaggingStoreAsync() => CreateStoreAsync();

    /// <summary>Reopens the storage of the last created store, its index still lagging. Default: <see cref="ReopenStoreAsync"/>.</summary>
    protected virtual Task<ILedgerStore> ReopenLaggingStoreAsync() => ReopenStoreAsync();

    /// <summary>Brings the decision index of <paramref name="store"/> up to its log. Default: nothing to do.</summary>
    protected virtual Task CatchUpIndexAsync(ILedgerStore store) => Task.CompletedTask;

    /// <summary>Queries, lookups and the field catalog answer the same over an indexed head and an unindexed tail as over a caught-up index.</summary>
    [StoreFact]
    public async Task QueryAsync_IndexLagging_ReturnsWhatACaughtUpIndexReturns()
    {
        await using ILedgerStore store = await CreateLaggingStoreAsync();
        await store.OpenAsync();
        StoredEntry[] entries = LagEntries(0, 120);
        await store.AppendAsync(Some.Batch(entries[..60]));
        await CatchUpIndexAsync(store);
        await store.AppendAsync(Some.Batch(entries[60..90]));
        await store.AppendAsync(Some.Batch(entries[90..]));

        await AssertQueriesAsync(store, entries);
        IReadOnlyList<string> lagging = await store.GetFieldPathsAsync(null);
        Assert.Contains("input.amount", lagging);
        StoreAssert.Equal(entries[100], await store.FindByRequestIdAsync(entries[100].Columns.RequestId));

        await CatchUpIndexAsync(store);

        await AssertQueriesAsync(store, entries);
        Assert.Equal(lagging, await store.GetFieldPathsAsync(null));
        Assert.Equal(await store.GetFieldPathsAsync("credit_scorer"), await store.GetFieldPathsAsync("fraud_detector"));
    }

    /// <summary>Entries committed but never indexed (the process died first) are found after a restart, and indexed then.</summary>
    [StoreFact]
    public async Task OpenAsync_CrashBetweenCommitAndIndex_QueriesFindEverythingAndIndexCatchesUp()
    {
        StoredEntry[] entries = LagEntries(0, 80);
        await using (ILedgerStore crashed = await CreateLaggingStoreAsync())
        {
            await crashed.OpenAsync();
            await crashed.AppendAsync(Some.Batch(entries[..50]));
            await crashed.AppendAsync(Some.Batch(entries[50..]));
        }

        await using ILedgerStore store = await ReopenStoreAsync();
        Assert.Equal(80, (await store.OpenAsync()).Size);

        await AssertQueriesAsync(store, entries);
        await CatchUpIndexAsync(store);
        await AssertQueriesAsync(store, entries);
        Assert.Equal(["input.amount", "input.merchant", "model.name", "model.version", "output.score"], await store.GetFieldPathsAsync(null));
    }

    /// <summary>A store reopened over a lagging index keeps appending; the index then catches up over old and new entries alike.</summary>
    [StoreFact]
    public async Task CatchUpIndexAsync_AfterRestart_IndexesOldAndNewEntries()
    {
        StoredEntry[] entries = LagEntries(0, 90);
        await using (ILedgerStore first = await CreateLaggingStoreAsync())
        {
            await first.OpenAsync();
            await first.AppendAsync(Some.Batch(entries[..30]));
            await CatchUpIndexAsync(first);
            await first.AppendAsync(Some.Batch(entries[30..60]));
        }

        await using ILedgerStore store = await ReopenLaggingStoreAsync();
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(entries[60..]));
        await AssertQueriesAsync(store, entries);

        await CatchUpIndexAsync(store);

        await AssertQueriesAsync(store, entries);
        await CatchUpIndexAsync(store);
        await AssertQueriesAsync(store, entries);
    }

    // Columns vary with seq (two models, four users, two tenants, five subjects, a few erasures) and
    // timestamps are out of seq order, as clients may send them.
    private static StoredEntry[] LagEntries(long fromSeq, int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            long seq = fromSeq + i;
            return Some.Entry(
                seq,
                model: seq % 3 == 0 ? "credit_scorer" : "fraud_detector",
                version: seq % 2 == 0 ? "3.2.1" : "4.0.0",
                userId: seq % 5 == 4 ? null : "user-" + (seq % 4),
                tenant: seq % 2 == 0 ? "emea" : "apac",
                subjectId: "customer-" + (seq % 5),
                kind: seq % 17 == 5 ? "erasure" : EntryColumns.DecisionKind,
                timestamp: Some.Epoch.AddSeconds(seq * 37 % 120));
        })];

    private static readonly EntryFilter[] s_lagFilters =
    [
        new EntryFilter(),
        new EntryFilter { ModelName = "credit_scorer" },
        new EntryFilter { ModelName = "fraud_detector", ModelVersion = "4.0.0" },
        new EntryFilter { UserId = "user-1" },
        new EntryFilter { Tenant = "apac", SubjectId = "customer-3" },
        new EntryFilter { SubjectId = "customer-2" },
        new EntryFilter { InputFingerprint = Some.FingerprintOf(70) },
        new EntryFilter { InputFingerprint = Some.FingerprintOf(10) },
        new EntryFilter { Kind = "erasure" },
        new EntryFilter { From = Some.Epoch.AddSeconds(30), To = Some.Epoch.AddSeconds(90) },
        new EntryFilter { ModelName = "credit_scorer", From = Some.Epoch.AddSeconds(10), To = Some.Epoch.AddSeconds(100) },
        new EntryFilter { RequestId = Some.RequestIdOf(75) },
        new EntryFilter { RequestId = Some.RequestIdOf(7), ModelName = "fraud_detector" },
        new EntryFilter { Where = WhereParser.Parse("output.score >= 0.05") },
        new EntryFilter { UserId = "user-2", Where = WhereParser.Parse("output.score < 0.07") },
    ];

    // Each filter is paged 7 entries at a time through the BeforeSeq cursor and compared with a plain scan.
    private static async Task AssertQueriesAsync(ILedgerStore store, StoredEntry[] entries)
    {
        foreach (EntryFilter filter in s_lagFilters)
        {
            long[] expected = [.. entries.Where(e => Oracle(filter, e)).Select(e => e.Seq).OrderDescending()];
            var found = new List<long>();
            EntryFilter page = filter with { Limit = 7 };
            while (true)
            {
                List<StoredEntry> rows = await ToListAsync(store.QueryAsync(page));
                foreach (StoredEntry row in rows)
                {
                    StoreAssert.Equal(entries[row.Seq], row);
                }

                found.AddRange(rows.Select(e => e.Seq));
                if (rows.Count < page.Limit)
                {
                    break;
                }

                page = page with { BeforeSeq = rows[^1].Seq };
            }

            Assert.True(expected.SequenceEqual(found), $"Filter {filter}: expected [{string.Join(", ", expected)}] but found [{string.Join(", ", found)}].");
        }
    }

    private static bool Oracle(EntryFilter filter, StoredEntry entry)
    {
        EntryColumns c = entry.Columns;
        double score = entry.Seq % 1000 / 1000.0;
        bool where = filter.Where.Count == 0
            || (filter.UserId is null ? score >= 0.05 : score < 0.07);
        return (filter.RequestId is null || filter.RequestId == c.RequestId)
            && (filter.ModelName is null || filter.ModelName == c.ModelName)
            && (filter.ModelVersion is null || filter.ModelVersion == c.ModelVersion)
            && (filter.UserId is null || filter.UserId == c.UserId)
            && (filter.Tenant is null || filter.Tenant == c.Tenant)
            && (filter.SubjectId is null || filter.SubjectId == c.SubjectId)
            && (filter.InputFingerprint is null || filter.InputFingerprint == c.InputFingerprint)
            && (filter.Kind is null || filter.Kind == c.Kind)
            && (filter.From is null || c.Timestamp >= filter.From)
            && (filter.To is null || c.Timestamp < filter.To)
            && where;
    }
}
