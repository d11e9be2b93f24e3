using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Store.ContractTests;

/// <summary>
/// The behaviour every <see cref="ILedgerStore"/> must show. A store's test project derives
/// from this class, says how to create a fresh empty store and how to reopen it, and inherits
/// every [StoreFact] and [StoreTheory]; a class that cannot run them here says why with a <see cref="Skipping.ContractSkipAttribute"/>. xUnit creates one instance per test, so each test gets its own store.
/// </summary>
public abstract partial class LedgerStoreContract
{
    /// <summary>Creates a new, empty, not yet opened store; each call in a test instance may return the same storage.</summary>
    protected abstract Task<ILedgerStore> CreateStoreAsync();

    /// <summary>Creates a new store instance over the storage of the last <see cref="CreateStoreAsync"/>, as after a restart; not yet opened.</summary>
    protected abstract Task<ILedgerStore> ReopenStoreAsync();

    /// <summary>Opens the contract's store and returns it.</summary>
    protected async Task<ILedgerStore> OpenEmptyAsync()
    {
        ILedgerStore store = await CreateStoreAsync();
        await store.OpenAsync();
        return store;
    }

    /// <summary>An empty store opens at size 0 with no checkpoint.</summary>
    [StoreFact]
    public async Task OpenAsync_EmptyStore_ReportsSizeZeroAndNoCheckpoint()
    {
        await using ILedgerStore store = await CreateStoreAsync();

        LedgerHead head = await store.OpenAsync();

        Assert.Equal(0, head.Size);
        Assert.Null(head.LatestCheckpoint);
        Assert.Equal(0, await store.GetSizeAsync());
        Assert.Null(await store.GetLatestCheckpointAsync());
        Assert.Empty(await ToListAsync(store.ReadEntriesAsync(0, 10)));
    }

    /// <summary>Appended entries read back byte for byte, by range, seq and request id.</summary>
    [StoreFact]
    public async Task AppendAsync_Batch_ReadsEntriesBackByteExact()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] entries = [Some.Entry(0), Some.Entry(1, userId: null, tenant: null, subjectId: "customer-7"), Some.Entry(2, kind: "erasure", fingerprint: null)];
        entries[2] = entries[2] with { Columns = entries[2].Columns with { InputFingerprint = null } };

        await store.AppendAsync(Some.Batch(entries));

        Assert.Equal(3, await store.GetSizeAsync());
        StoreAssert.Equal(entries, await ToListAsync(store.ReadEntriesAsync(0, 3)));
        StoreAssert.Equal(entries[1..], await ToListAsync(store.ReadEntriesAsync(1, 100)));
        StoreAssert.Equal(entries[1], await store.GetEntryAsync(1));
        StoreAssert.Equal(entries[2], await store.FindByRequestIdAsync(entries[2].Columns.RequestId));
        Assert.Null(await store.GetEntryAsync(3));
        Assert.Null(await store.FindByRequestIdAsync("no-such-request"));
    }

    /// <summary>Leaf hashes come back in seq order for any sub-range.</summary>
    [StoreFact]
    public async Task ReadLeafHashesAsync_Range_ReturnsStoredHashesAscending()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] entries = Some.Entries(0, 300);
        await store.AppendAsync(Some.Batch(entries));

        IReadOnlyList<Sha256Hash> hashes = await store.ReadLeafHashesAsync(256, 300);

        Assert.Equal(entries[256..].Select(e => e.LeafHash), hashes);
        Assert.Equal(entries.Select(e => e.LeafHash), await store.ReadLeafHashesAsync(0, 300));
        Assert.Empty(await store.ReadLeafHashesAsync(300, 310));
    }

    /// <summary>Stored inputs read back byte for byte; entries appended without an input have none.</summary>
    [StoreFact]
    public async Task AppendAsync_WithInputs_ReadsInputsBackByteExact()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] entries = Some.Entries(0, 4);
        StoredInput[] inputs = [Some.Input(0), Some.Input(2), Some.Input(3)];

        await store.AppendAsync(new AppendBatch(entries, inputs, [], null));

        StoreAssert.Equal(inputs[1], await store.GetInputAsync(2));
        Assert.Null(await store.GetInputAsync(1));
        List<StoredInput> all = await ToListAsync(store.ReadInputsAsync(0, 4));
        Assert.Equal([0L, 2L, 3L], all.Select(i => i.Seq));
        for (int i = 0; i < inputs.Length; i++)
        {
            StoreAssert.Equal(inputs[i], all[i]);
        }
    }

    /// <summary>Batches append one after another and the size follows.</summary>
    [StoreFact]
    public async Task AppendAsync_SeveralBatches_SizeIsNextSeq()
    {
        await using ILedgerStore store = await OpenEmptyAsync();

        await store.AppendAsync(Some.Batch(Some.Entries(0, 5)));
        await store.AppendAsync(Some.Batch(Some.Entries(5, 1)));
        await store.AppendAsync(Some.Batch(Some.Entries(6, 10)));

        Assert.Equal(16, await store.GetSizeAsync());
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), (await ToListAsync(store.ReadEntriesAsync(0, 16))).Select(e => e.Seq));
    }

    /// <summary>A batch that does not start at the store's size is rejected, naming both seqs, and nothing is stored.</summary>
    [StoreTheory]
    [InlineData(6)]
    [InlineData(3)]
    [InlineData(0)]
    public async Task AppendAsync_BatchStartingAtWrongSeq_RejectedAndNothingStored(long start)
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 5)));
        StoredEntry[] wrong = [.. Some.Entries(start, 3).Select(e => e with { Columns = e.Columns with { RequestId = "other-" + e.Seq } })];

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(Some.Batch(wrong)).AsTask());

        Assert.Contains("expected seq 5", error.Message, StringComparison.Ordinal);
        Assert.Contains($"seq {start}", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, await store.GetSizeAsync());
        Assert.Null(await store.FindByRequestIdAsync("other-" + start));
    }

    /// <summary>A gap inside a batch is rejected and nothing of the batch is stored.</summary>
    [StoreFact]
    public async Task AppendAsync_GapInsideBatch_RejectedAndNothingStored()
    {
        await using ILedgerStore store = await OpenEmptyAsync();

        var error = await Assert.ThrowsAsync<LedgerStoreException>(
            () => store.AppendAsync(Some.Batch([Some.Entry(0), Some.Entry(1), Some.Entry(3)])).AsTask());

        Assert.Contains("expected seq 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.GetSizeAsync());
        Assert.Null(await store.GetInputAsync(0));
    }

    /// <summary>Two entries of one batch with the same request id reject the whole batch.</summary>
    [StoreFact]
    public async Task AppendAsync_DuplicateRequestIdInBatch_RejectsWholeBatch()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] entries = [Some.Entry(0), Some.Entry(1, requestId: "same"), Some.Entry(2, requestId: "same")];

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(Some.Batch(entries)).AsTask());

        Assert.Contains("same", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.GetSizeAsync());
        Assert.Empty(await store.FindExistingRequestIdsAsync([Some.RequestIdOf(0), "same"]));
    }

    /// <summary>
    /// A batch failing on its last entry stores nothing of its entries, inputs, tiles or
    /// checkpoint, and the store stays usable.
    /// </summary>
    [StoreFact]
    public async Task AppendAsync_FailureOnLastEntry_StoresNothingOfTheBatch()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 2), Some.Checkpoint(2)));
        StoredEntry[] entries = [Some.Entry(2), Some.Entry(3), Some.Entry(4, requestId: Some.RequestIdOf(0))];
        AppendBatch failing = Some.Batch(entries, Some.Checkpoint(5), [(new TileId(0, 0), Some.Tile(1))]);

        await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(failing).AsTask());

        Assert.Equal(2, await store.GetSizeAsync());
        Assert.Null(await store.GetEntryAsync(2));
        Assert.Null(await store.GetInputAsync(2));
        Assert.Null(await store.ReadTileAsync(new TileId(0, 0)));
        StoreAssert.Equal(Some.Checkpoint(2), await store.GetLatestCheckpointAsync());
        Assert.Single(await ToListAsync(store.ReadCheckpointsAsync()));

        await store.AppendAsync(Some.Batch(Some.Entries(2, 3)));
        Assert.Equal(5, await store.GetSizeAsync());
    }

    /// <summary>A request id already in the ledger rejects a later batch.</summary>
    [StoreFact]
    public async Task AppendAsync_RequestIdAlreadyStored_RejectsBatch()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch([Some.Entry(0, requestId: "r")]));

        await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(Some.Batch([Some.Entry(1, requestId: "r")])).AsTask());

        Assert.Equal(1, await store.GetSizeAsync());
    }

    /// <summary>Checkpoints stored with batches or alone round-trip, in order, and the newest is the latest.</summary>
    [StoreFact]
    public async Task Checkpoints_StoredWithBatchesAndAlone_RoundTripInOrder()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredCheckpoint first = Some.Checkpoint(3);
        StoredCheckpoint second = Some.Checkpoint(5);
        StoredCheckpoint third = Some.Checkpoint(5, variant: 1);

        await store.AppendAsync(Some.Batch(Some.Entries(0, 3), first));
        Assert.Equal(first.RootHash, (await store.GetLatestCheckpointAsync())?.RootHash);
        await store.AppendAsync(Some.Batch(Some.Entries(3, 2), second));
        await store.AppendCheckpointAsync(third);

        List<StoredCheckpoint> all = await ToListAsync(store.ReadCheckpointsAsync());
        Assert.Equal(3, all.Count);
        StoreAssert.Equal(first, all[0]);
        StoreAssert.Equal(second, all[1]);
        StoreAssert.Equal(third, all[2]);
        StoreAssert.Equal(third, await store.GetLatestCheckpointAsync());
    }

    /// <summary>Tiles written alone or with a batch read back equal; an absent tile reads as null.</summary>
    [StoreFact]
    public async Task Tiles_WrittenAloneAndInBatch_ReadBackEqual()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        Tile first = Some.Tile(1);
        Tile second = Some.Tile(2);

        await store.WriteTilesAsync([(new TileId(0, 0), first)]);
        await store.AppendAsync(Some.Batch(Some.Entries(0, 1), tiles: [(new TileId(1, 3), second)]));

        Assert.True(first.BaseEquals((await store.ReadTileAsync(new TileId(0, 0)))!));
        Tile? read = await store.ReadTileAsync(new TileId(1, 3));
        Assert.NotNull(read);
        Assert.True(second.BaseEquals(read));
        Assert.Equal(second.Top, read.Top);
        Assert.Null(await store.ReadTileAsync(new TileId(0, 1)));
        Assert.Null(await store.ReadTileAsync(new TileId(1, 0)));
    }

    /// <summary>Rewriting a tile with the same content is accepted; different content is refused and the original kept.</summary>
    [StoreFact]
    public async Task WriteTilesAsync_SameIdAgain_AcceptsSameContentRefusesDifferent()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.WriteTilesAsync([(new TileId(0, 0), Some.Tile(1))]);

        await store.WriteTilesAsync([(new TileId(0, 0), Some.Tile(1))]);
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.WriteTilesAsync([(new TileId(0, 1), Some.Tile(3)), (new TileId(0, 0), Some.Tile(2))]).AsTask());

        Assert.True(Some.Tile(1).BaseEquals((await store.ReadTileAsync(new TileId(0, 0)))!));
        Assert.Null(await store.ReadTileAsync(new TileId(0, 1)));
    }

    /// <summary>After a restart the store reports the same head and still holds entries, inputs and tiles.</summary>
    [StoreFact]
    public async Task OpenAsync_AfterReopen_ReturnsSameHeadAndData()
    {
        StoredEntry[] entries = Some.Entries(0, 7);
        StoredCheckpoint checkpoint = Some.Checkpoint(7);
        await using (ILedgerStore store = await OpenEmptyAsync())
        {
            await store.AppendAsync(Some.Batch(entries, checkpoint, [(new TileId(0, 0), Some.Tile(9))]));
        }

        await using ILedgerStore reopened = await ReopenStoreAsync();
        LedgerHead head = await reopened.OpenAsync();

        Assert.Equal(7, head.Size);
        StoreAssert.Equal(checkpoint, head.LatestCheckpoint);
        StoreAssert.Equal(entries, await ToListAsync(reopened.ReadEntriesAsync(0, 7)));
        StoreAssert.Equal(Some.Input(6), await reopened.GetInputAsync(6));
        Assert.True(Some.Tile(9).BaseEquals((await reopened.ReadTileAsync(new TileId(0, 0)))!));
        await reopened.AppendAsync(Some.Batch(Some.Entries(7, 1)));
        Assert.Equal(8, await reopened.GetSizeAsync());
    }

    /// <summary>Each filter field alone returns exactly the matching entries, newest first.</summary>
    [StoreTheory]
    [InlineData("requestId")]
    [InlineData("model")]
    [InlineData("modelAndVersion")]
    [InlineData("version")]
    [InlineData("user")]
    [InlineData("tenant")]
    [InlineData("subject")]
    [InlineData("fingerprint")]
    [InlineData("kindErasure")]
    [InlineData("kindDecision")]
    [InlineData("none")]
    public async Task QueryAsync_ByField_ReturnsMatchingNewestFirst(string field)
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] all = QueryData();
        await store.AppendAsync(Some.Batch(all));
        (EntryFilter filter, Func<StoredEntry, bool> matches) = field switch
        {
            "requestId" => (new EntryFilter { RequestId = Some.RequestIdOf(12) }, (Func<StoredEntry, bool>)(e => e.Seq == 12)),
            "model" => (new EntryFilter { ModelName = "credit" }, e => e.Columns.ModelName == "credit"),
            "modelAndVersion" => (new EntryFilter { ModelName = "fraud", ModelVersion = "2.0" }, e => e.Columns.ModelName == "fraud" && e.Columns.ModelVersion == "2.0"),
            "version" => (new EntryFilter { ModelVersion = "1.0" }, e => e.Columns.ModelVersion == "1.0"),
            "user" => (new EntryFilter { UserId = "alice" }, e => e.Columns.UserId == "alice"),
            "tenant" => (new EntryFilter { Tenant = "apac" }, e => e.Columns.Tenant == "apac"),
            "subject" => (new EntryFilter { SubjectId = "customer-1" }, e => e.Columns.SubjectId == "customer-1"),
            "fingerprint" => (new EntryFilter { InputFingerprint = SharedFingerprint }, e => e.Columns.InputFingerprint == SharedFingerprint),
            "kindErasure" => (new EntryFilter { Kind = "erasure" }, e => e.Columns.Kind == "erasure"),
            "kindDecision" => (new EntryFilter { Kind = EntryColumns.DecisionKind }, e => e.Columns.Kind == EntryColumns.DecisionKind),
            _ => (new EntryFilter(), _ => true),
        };

        List<StoredEntry> found = await ToListAsync(store.QueryAsync(filter));

        StoredEntry[] expected = [.. all.Where(matches).OrderByDescending(e => e.Seq).Take(filter.Limit)];
        Assert.NotEmpty(expected);
        StoreAssert.Equal(expected, found);
    }

    /// <summary>Set filters combine with AND.</summary>
    [StoreFact]
    public async Task QueryAsync_SeveralFilters_MatchAll()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] all = QueryData();
        await store.AppendAsync(Some.Batch(all));

        List<StoredEntry> found = await ToListAsync(store.QueryAsync(new EntryFilter { ModelName = "fraud", UserId = "alice", Tenant = "apac" }));

        long[] expected = [.. all.Where(e => e.Columns is { ModelName: "fraud", UserId: "alice", Tenant: "apac" }).Select(e => e.Seq).OrderDescending()];
        Assert.NotEmpty(expected);
        Assert.Equal(expected, found.Select(e => e.Seq));
    }

    /// <summary>The limit keeps the newest entries.</summary>
    [StoreFact]
    public async Task QueryAsync_Limit_ReturnsNewestOnly()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(QueryData()));

        List<StoredEntry> found = await ToListAsync(store.QueryAsync(new EntryFilter { Limit = 4 }));

        Assert.Equal([39L, 38L, 37L, 36L], found.Select(e => e.Seq));
        Assert.Empty(await ToListAsync(store.QueryAsync(new EntryFilter { Limit = 0 })));
    }

    /// <summary>Keyset pagination with BeforeSeq visits every match once, newest first.</summary>
    [StoreFact]
    public async Task QueryAsync_BeforeSeqPagination_VisitsEveryMatchOnce()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] all = QueryData();
        await store.AppendAsync(Some.Batch(all));
        var seen = new List<long>();
        long? before = null;

        while (true)
        {
            List<StoredEntry> page = await ToListAsync(store.QueryAsync(new EntryFilter { ModelName = "fraud", BeforeSeq = before, Limit = 3 }));
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 3);
            seen.AddRange(page.Select(e => e.Seq));
            before = page[^1].Seq;
        }

        Assert.Equal(all.Where(e => e.Columns.ModelName == "fraud").Select(e => e.Seq).OrderDescending(), seen);
    }

    /// <summary>From is inclusive and To exclusive, to the microsecond.</summary>
    [StoreFact]
    public async Task QueryAsync_TimeRange_FromInclusiveToExclusive()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(QueryData()));

        List<StoredEntry> found = await ToListAsync(store.QueryAsync(new EntryFilter { From = Some.TimestampOf(10), To = Some.TimestampOf(20) }));
        List<StoredEntry> afterOneMicrosecond = await ToListAsync(store.QueryAsync(
            new EntryFilter { From = Some.TimestampOf(10).AddTicks(10), To = Some.TimestampOf(20).AddTicks(10) }));

        Assert.Equal(Enumerable.Range(10, 10).Select(i => (long)i).Reverse(), found.Select(e => e.Seq));
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i).Reverse(), afterOneMicrosecond.Select(e => e.Seq));
    }

    /// <summary>Only stored request ids are reported, across many lookups at once.</summary>
    [StoreFact]
    public async Task FindExistingRequestIdsAsync_ManyIds_ReturnsOnlyStored()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 700)));
        string[] asked = [.. Enumerable.Range(0, 1400).Select(i => i % 2 == 0 ? Some.RequestIdOf(i / 2) : "unknown-" + i)];

        IReadOnlySet<string> found = await store.FindExistingRequestIdsAsync(asked);

        Assert.Equal(700, found.Count);
        Assert.True(found.SetEquals(Enumerable.Range(0, 700).Select(i => Some.RequestIdOf(i))));
        Assert.Empty(await store.FindExistingRequestIdsAsync([]));
        Assert.Empty(await store.FindExistingRequestIdsAsync(["unknown"]));
    }

    /// <summary>Deleting inputs (erasure) removes only them; entries and leaf hashes stay.</summary>
    [StoreFact]
    public async Task DeleteInputsAsync_SomeSeqs_InputsGoneEntriesStay()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] entries = Some.Entries(0, 5);
        await store.AppendAsync(Some.Batch(entries));

        int deleted = await store.DeleteInputsAsync([1, 3, 99]);

        Assert.Equal(2, deleted);
        Assert.Null(await store.GetInputAsync(1));
        Assert.Null(await store.GetInputAsync(3));
        StoreAssert.Equal(Some.Input(0), await store.GetInputAsync(0));
        Assert.Equal([0L, 2L, 4L], (await ToListAsync(store.ReadInputsAsync(0, 5))).Select(i => i.Seq));
        // Erasure clears the erased entries' fingerprints (an index column); nothing hashed changes.
        StoredEntry[] expected = [.. entries.Select(e => e.Seq is 1 or 3 ? e with { Columns = e.Columns with { InputFingerprint = null } } : e)];
        StoreAssert.Equal(expected, await ToListAsync(store.ReadEntriesAsync(0, 5)));
        Assert.Equal(0, await store.DeleteInputsAsync([1]));
    }

    /// <summary>Subject keys: the first stored key wins, lookups return only subjects with a key, deletion removes it.</summary>
    [StoreFact]
    public async Task SubjectKeys_CreateGetDelete_FirstKeyWinsAndDeleteRemoves()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        byte[] first = [.. Enumerable.Repeat((byte)1, 60)];
        byte[] second = [.. Enumerable.Repeat((byte)2, 60)];

        IReadOnlyDictionary<string, byte[]> created = await store.GetOrCreateSubjectKeysAsync(new Dictionary<string, byte[]> { ["a"] = first });
        IReadOnlyDictionary<string, byte[]> again = await store.GetOrCreateSubjectKeysAsync(new Dictionary<string, byte[]> { ["a"] = second, ["b"] = second });

        Assert.Equal(first, created["a"]);
        Assert.Equal(first, again["a"]);
        Assert.Equal(second, again["b"]);
        IReadOnlyDictionary<string, byte[]> found = await store.GetSubjectKeysAsync(["a", "b", "c"]);
        Assert.Equal(["a", "b"], found.Keys.Order(StringComparer.Ordinal));
        Assert.True(await store.DeleteSubjectKeyAsync("a"));
        Assert.False(await store.DeleteSubjectKeyAsync("a"));
        Assert.Equal(["b"], (await store.GetSubjectKeysAsync(["a", "b"])).Keys);
    }

    /// <summary>The shared fingerprint of the query data set.</summary>
    protected static readonly string SharedFingerprint = new('a', 64);

    /// <summary>40 entries whose columns vary with seq so every filter has several matches and non-matches.</summary>
    protected static StoredEntry[] QueryData() =>
        [.. Enumerable.Range(0, 40).Select(i => Some.Entry(
            i,
            model: i % 2 == 0 ? "fraud" : "credit",
            version: i % 4 < 2 ? "1.0" : "2.0",
            userId: (i % 3) switch { 0 => "alice", 1 => "bob", _ => null },
            tenant: i % 5 == 0 ? "emea" : "apac",
            subjectId: i % 4 == 1 ? "customer-1" : null,
            fingerprint: i % 10 == 3 ? SharedFingerprint : null,
            kind: i is 17 or 33 ? "erasure" : EntryColumns.DecisionKind))];

    /// <summary>Drains an async sequence.</summary>
    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (T item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
