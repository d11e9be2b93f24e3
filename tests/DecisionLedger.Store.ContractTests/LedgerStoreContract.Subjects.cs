using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Heads;
using DecisionLedger.Storage;

namespace DecisionLedger.Store.ContractTests;

/// <summary>
/// Entry v2 at the store: the <c>subjects</c> mapping (written in the batch's transaction, read both
/// ways, deleted by erasure), the chain heads the sequencer rebuilds its heads map from, the first
/// event of a kind, and queries by clear subject id over v1 rows (the id) and v2 rows (its ref).
/// </summary>
public abstract partial class LedgerStoreContract
{
    /// <summary>Mappings appended with a batch read back both ways, after a reopen too; unknown keys are left out.</summary>
    [StoreFact]
    public async Task AppendAsync_NewSubjectRefs_ReadBackBothWays()
    {
        await using (ILedgerStore store = await OpenEmptyAsync())
        {
            await store.AppendAsync(Some.Batch(Some.Entries(0, 2)) with { NewSubjectRefs = [new("alice@example.com", RefOf("alice")), new("bob", RefOf("bob"))] });
            await store.AppendAsync(Some.Batch(Some.Entries(2, 1)) with { NewSubjectRefs = [new("carol", RefOf("carol"))] });
        }

        await using ILedgerStore reopened = await ReopenStoreAsync();
        await reopened.OpenAsync();

        IReadOnlyDictionary<string, string> refs = await reopened.GetSubjectRefsAsync(["alice@example.com", "carol", "nobody"]);
        Assert.Equal(2, refs.Count);
        Assert.Equal(RefOf("alice"), refs["alice@example.com"]);
        Assert.Equal(RefOf("carol"), refs["carol"]);
        IReadOnlyDictionary<string, string> ids = await reopened.GetSubjectIdsAsync([RefOf("bob"), RefOf("nobody")]);
        Assert.Equal("bob", Assert.Single(ids).Value);
        Assert.Equal(RefOf("bob"), ids.Single().Key);
        Assert.Empty(await reopened.GetSubjectRefsAsync([]));
        Assert.Empty(await reopened.GetSubjectIdsAsync([]));
    }

    /// <summary>
    /// The recorder asks for every id its cache missed in one call (thousands at a time): a look-up of 5,000 ids, some
    /// unknown, some repeated, some with characters JSON or SQL quote (quotes, backslashes, control and non-ASCII
    /// characters), returns exactly the mapped ones, both ways.
    /// </summary>
    [StoreFact]
    public async Task GetSubjectRefsAsync_ThousandsOfIdsSomeUnknownOrOdd_ReturnsExactlyTheMapped()
    {
        string[] odd = ["quote\"d", "back\\slash", "tab\tand\nnewline", "o'brien", "élodie@exämple.com", "日本語", "[1,2]", "%_*", " padded "];
        var mapped = new List<SubjectRef>();
        for (int i = 0; i < 2_500; i++)
        {
            string id = i < odd.Length ? odd[i] : $"customer-{i}@example.com";
            mapped.Add(new SubjectRef(id, RefOf("mapped " + id)));
        }

        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = mapped });

        List<string> asked = [.. mapped.Select(m => m.SubjectId), .. Enumerable.Range(0, 2_500).Select(i => $"unknown-{i}"), "quote", "quote\"", "日本", mapped[42].SubjectId];
        IReadOnlyDictionary<string, string> refs = await store.GetSubjectRefsAsync(asked);
        Assert.Equal(mapped.Count, refs.Count);
        Assert.All(mapped, m => Assert.Equal(m.Ref, refs[m.SubjectId]));

        List<string> askedRefs = [.. mapped.Select(m => m.Ref), .. Enumerable.Range(0, 2_500).Select(i => RefOf($"unknown-{i}"))];
        IReadOnlyDictionary<string, string> ids = await store.GetSubjectIdsAsync(askedRefs);
        Assert.Equal(mapped.Count, ids.Count);
        Assert.All(mapped, m => Assert.Equal(m.SubjectId, ids[m.Ref]));
    }

    /// <summary>A batch mapping an id that already has a ref is rejected whole (entries, inputs, mappings), without the id in the message.</summary>
    [StoreFact]
    public async Task AppendAsync_SubjectIdAlreadyMapped_RejectsWholeBatch()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = [new("alice@example.com", RefOf("alice"))] });

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(
            Some.Batch(Some.Entries(1, 2)) with { NewSubjectRefs = [new("dave", RefOf("dave")), new("alice@example.com", RefOf("alice-2"))] }).AsTask());

        Assert.Contains("already has a ref", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("alice@example.com", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await store.GetSizeAsync());
        Assert.Null(await store.GetInputAsync(1));
        Assert.Empty(await store.GetSubjectRefsAsync(["dave"]));
        Assert.Equal(RefOf("alice"), (await store.GetSubjectRefsAsync(["alice@example.com"]))["alice@example.com"]);

        await store.AppendAsync(Some.Batch(Some.Entries(1, 2)) with { NewSubjectRefs = [new("dave", RefOf("dave"))] });
        Assert.Equal(3, await store.GetSizeAsync());
    }

    /// <summary>A batch giving a new subject a ref another subject holds is rejected whole.</summary>
    [StoreFact]
    public async Task AppendAsync_RefAlreadyTaken_RejectsWholeBatch()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = [new("alice", RefOf("alice"))] });

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(
            Some.Batch(Some.Entries(1, 1)) with { NewSubjectRefs = [new("eve", RefOf("alice"))] }).AsTask());

        Assert.Contains(RefOf("alice"), error.Message, StringComparison.Ordinal);
        Assert.Contains("another subject", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await store.GetSizeAsync());
        Assert.Empty(await store.GetSubjectRefsAsync(["eve"]));
        Assert.Equal("alice", (await store.GetSubjectIdsAsync([RefOf("alice")]))[RefOf("alice")]);
    }

    /// <summary>A malformed mapping is rejected before anything is written, naming the field and the reason.</summary>
    [StoreTheory]
    [InlineData("", "AAAAAAAAAAAAAAAAAAAAAA", "NewSubjectRefs[0].SubjectId is empty")]
    [InlineData("frank", "too-short", "NewSubjectRefs[0].Ref 'too-short' is not a subject ref")]
    [InlineData("frank", "AAAAAAAAAAAAAAAAAAAAA=", "NewSubjectRefs[0].Ref 'AAAAAAAAAAAAAAAAAAAAA=' is not a subject ref")]
    public async Task AppendAsync_MalformedSubjectRef_RejectedNamingTheField(string subjectId, string subjectRef, string expected)
    {
        await using ILedgerStore store = await OpenEmptyAsync();

        var error = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(
            Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = [new(subjectId, subjectRef)] }).AsTask());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.GetSizeAsync());
    }

    /// <summary>One batch may not map a subject twice, nor give one ref to two subjects.</summary>
    [StoreFact]
    public async Task AppendAsync_RepeatedMappingInBatch_Rejected()
    {
        await using ILedgerStore store = await OpenEmptyAsync();

        var twice = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(
            Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = [new("gina", RefOf("g1")), new("gina", RefOf("g2"))] }).AsTask());
        var shared = await Assert.ThrowsAsync<LedgerStoreException>(() => store.AppendAsync(
            Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = [new("gina", RefOf("g1")), new("hal", RefOf("g1"))] }).AsTask());

        Assert.Contains("NewSubjectRefs[1] maps a subject id that an earlier mapping of the batch already maps", twice.Message, StringComparison.Ordinal);
        Assert.Contains("is given to two subjects in the batch", shared.Message, StringComparison.Ordinal);
        Assert.Equal(0, await store.GetSizeAsync());
        Assert.Empty(await store.GetSubjectRefsAsync(["gina", "hal"]));
    }

    /// <summary>Deleting a mapping returns the ref it held and forgets it both ways; other mappings stay; a second delete returns null.</summary>
    [StoreFact]
    public async Task DeleteSubjectRefAsync_Mapped_ReturnsRefAndForgetsIt()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = [new("alice", RefOf("alice")), new("bob", RefOf("bob"))] });

        Assert.Equal(RefOf("alice"), await store.DeleteSubjectRefAsync("alice"));

        Assert.Empty(await store.GetSubjectRefsAsync(["alice"]));
        Assert.Empty(await store.GetSubjectIdsAsync([RefOf("alice")]));
        Assert.Equal(RefOf("bob"), (await store.GetSubjectRefsAsync(["bob"]))["bob"]);
        Assert.Null(await store.DeleteSubjectRefAsync("alice"));
        Assert.Null(await store.DeleteSubjectRefAsync("never-seen"));
    }

    /// <summary>
    /// Chain heads group the decision entries of [from, before) by subject column and by model, with
    /// the last seq and the count; entries without a subject have no subject key, and events are in no chain.
    /// </summary>
    [StoreTheory]
    [InlineData(0, 40)]
    [InlineData(0, 1000)]
    [InlineData(7, 31)]
    [InlineData(12, 12)]
    [InlineData(40, 50)]
    public async Task ReadChainHeadsAsync_Range_GroupsDecisionsBySubjectAndModel(long fromSeq, long beforeSeq)
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        StoredEntry[] entries = ChainEntries(0, 40);
        await store.AppendAsync(Some.Batch(entries[..25]));
        await store.AppendAsync(Some.Batch(entries[25..]));

        Dictionary<string, ChainHead> heads = await HeadsAsync(store, fromSeq, beforeSeq);

        Assert.Equal(ExpectedHeads(entries, fromSeq, beforeSeq), heads);
        if (fromSeq == 0 && beforeSeq >= 40)
        {
            Assert.Equal(new ChainHead(39, 14), heads["m:fraud_detector"]);
            Assert.False(heads.ContainsKey("s:"));
        }
    }

    /// <summary>Entries the decision index has not reached are counted in the chain heads, before and after it catches up.</summary>
    [StoreFact]
    public async Task ReadChainHeadsAsync_IndexLagging_CountsTheTail()
    {
        await using ILedgerStore store = await CreateLaggingStoreAsync();
        await store.OpenAsync();
        StoredEntry[] entries = ChainEntries(0, 60);
        await store.AppendAsync(Some.Batch(entries[..20]));
        await CatchUpIndexAsync(store);
        await store.AppendAsync(Some.Batch(entries[20..]));

        Assert.Equal(ExpectedHeads(entries, 0, 60), await HeadsAsync(store, 0, 60));
        Assert.Equal(ExpectedHeads(entries, 30, 60), await HeadsAsync(store, 30, 60));

        await CatchUpIndexAsync(store);
        Assert.Equal(ExpectedHeads(entries, 0, 60), await HeadsAsync(store, 0, 60));
    }

    /// <summary>The first event of a kind is found, indexed or not; none gives null; a decision is no event kind.</summary>
    [StoreFact]
    public async Task FindFirstEventAsync_Kinds_ReturnsFirstSeqOrNull()
    {
        await using ILedgerStore store = await CreateLaggingStoreAsync();
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch([.. Some.Entries(0, 5), Some.Entry(5, kind: "erasure", subjectId: "x"), Some.Entry(6)]));
        await CatchUpIndexAsync(store);
        Assert.Null(await store.FindFirstEventAsync(SubjectQuery.FormatEventKind));

        await store.AppendAsync(Some.Batch([Some.Entry(7), Some.Entry(8, kind: SubjectQuery.FormatEventKind), Some.Entry(9, kind: "erasure"), Some.Entry(10, kind: SubjectQuery.FormatEventKind)]));

        Assert.Equal(5, await store.FindFirstEventAsync("erasure"));
        Assert.Equal(8, await store.FindFirstEventAsync(SubjectQuery.FormatEventKind));
        await CatchUpIndexAsync(store);
        Assert.Equal(8, await store.FindFirstEventAsync(SubjectQuery.FormatEventKind));
        Assert.Null(await store.FindFirstEventAsync("heads"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.FindFirstEventAsync(EntryColumns.DecisionKind).AsTask());
        Assert.Equal("kind", error.ParamName);
    }

    /// <summary>
    /// A query by clear subject id finds the v1 rows holding the id and the v2 rows holding its ref,
    /// newest first, paged across the switch; a ref passed as an id matches no v2 row, and an id
    /// without a mapping matches its v1 rows only.
    /// </summary>
    [StoreFact]
    public async Task QueryAsync_SubjectId_MatchesV1RowsByIdAndV2RowsByRef()
    {
        await using ILedgerStore store = await CreateLaggingStoreAsync();
        await store.OpenAsync();
        await AppendMixedVersionLedgerAsync(store);

        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice" }, 9, 7, 4, 2, 0);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "bob" }, 8, 1);
        // Seq 5 is v2: its subject column holds a ref, even one spelled like an unmapped id.
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "carol" });
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = RefOf("alice") });
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice", Limit = 2 }, 9, 7);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice", BeforeSeq = 9, Limit = 3 }, 7, 4, 2);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice", BeforeSeq = 4 }, 2, 0);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice", ModelName = "credit" }, 7);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice", To = Some.TimestampOf(3) }, 2, 0);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice", Kind = EntryColumns.DecisionKind }, 9, 7, 4, 2, 0);

        await CatchUpIndexAsync(store);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice" }, 9, 7, 4, 2, 0);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice", BeforeSeq = 9, Limit = 3 }, 7, 4, 2);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = RefOf("alice") });
    }

    /// <summary>Once the mapping is deleted (erasure), the id no longer finds its v2 rows; its v1 rows it still finds.</summary>
    [StoreFact]
    public async Task QueryAsync_SubjectIdAfterMappingDeleted_FindsV1RowsOnly()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await AppendMixedVersionLedgerAsync(store);

        Assert.Equal(RefOf("alice"), await store.DeleteSubjectRefAsync("alice"));

        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "alice" }, 2, 0);
        await AssertSubjectSeqsAsync(store, new EntryFilter { SubjectId = "bob" }, 8, 1);
    }

    /// <summary>A well-formed ref derived from <paramref name="seed"/>: base64url of 16 bytes, 22 characters.</summary>
    protected static string RefOf(string seed) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(seed))[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // 0 alice(v1) 1 bob(v1) 2 alice(v1) 3 format 4 alice 5 carol 6 none 7 alice/credit 8 bob 9 alice;
    // from 3 on the subject column holds the ref, as a v2 sequencer writes it; "carol" at 5 has no mapping.
    private static async Task AppendMixedVersionLedgerAsync(ILedgerStore store)
    {
        await store.AppendAsync(Some.Batch([Some.Entry(0, subjectId: "alice"), Some.Entry(1, subjectId: "bob"), Some.Entry(2, subjectId: "alice")]));
        await store.AppendAsync(Some.Batch(
            [
                Some.Entry(3, kind: SubjectQuery.FormatEventKind, fingerprint: null),
                Some.Entry(4, subjectId: RefOf("alice")),
                Some.Entry(5, subjectId: "carol"),
                Some.Entry(6),
            ]) with { NewSubjectRefs = [new("alice", RefOf("alice"))] });
        await store.AppendAsync(Some.Batch(
            [Some.Entry(7, subjectId: RefOf("alice"), model: "credit"), Some.Entry(8, subjectId: RefOf("bob")), Some.Entry(9, subjectId: RefOf("alice"))])
            with { NewSubjectRefs = [new("bob", RefOf("bob"))] });
    }

    private static async Task AssertSubjectSeqsAsync(ILedgerStore store, EntryFilter filter, params long[] expected) =>
        Assert.Equal(expected, (await ToListAsync(store.QueryAsync(filter))).Select(e => e.Seq));

    // Subjects s0..s4 and none, two models, and an erasure event (with a subject) every ninth seq.
    private static StoredEntry[] ChainEntries(long fromSeq, int count) =>
        [.. Enumerable.Range(0, count).Select(i => fromSeq + i).Select(seq => seq % 9 == 8
            ? Some.Entry(seq, kind: "erasure", subjectId: "s1", fingerprint: null)
            : Some.Entry(seq, model: seq % 3 == 0 ? "fraud_detector" : "credit", subjectId: seq % 6 == 5 ? null : "s" + (seq % 5)))];

    private static Dictionary<string, ChainHead> ExpectedHeads(IEnumerable<StoredEntry> entries, long fromSeq, long beforeSeq)
    {
        var heads = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        foreach (StoredEntry entry in entries.Where(e => e.Seq >= fromSeq && e.Seq < beforeSeq && e.Columns.Kind == EntryColumns.DecisionKind))
        {
            foreach (string key in entry.Columns.SubjectId is { } subject ? ["s:" + subject, "m:" + entry.Columns.ModelName] : new[] { "m:" + entry.Columns.ModelName })
            {
                ChainHead head = heads.GetValueOrDefault(key);
                heads[key] = new ChainHead(entry.Seq, head.Count + 1);
            }
        }

        return heads;
    }

    private static async Task<Dictionary<string, ChainHead>> HeadsAsync(ILedgerStore store, long fromSeq, long beforeSeq)
    {
        var heads = new Dictionary<string, ChainHead>(StringComparer.Ordinal);
        await foreach ((string key, ChainHead head) in store.ReadChainHeadsAsync(fromSeq, beforeSeq))
        {
            Assert.True(heads.TryAdd(key, head), $"key {key} came twice");
        }

        return heads;
    }
}
