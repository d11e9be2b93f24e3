using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.Store.ContractTests;

/// <summary>The query engine's part of the contract: <c>where</c> predicates, the field catalog, cursors and the scan guard.</summary>
public abstract partial class LedgerStoreContract
{
    /// <summary>Equality on a string field matches exactly that value, newest first.</summary>
    [StoreFact]
    public async Task QueryAsync_WhereStringEquals_MatchesOnlyThatValue()
    {
        await using ILedgerStore store = await OpenWhereDataAsync();

        List<StoredEntry> found = await WhereAsync(store, "output.label = \"fraud\"");

        Assert.Equal([8L, 5L, 2L], found.Select(e => e.Seq));
    }

    /// <summary>Numbers compare numerically, integers and reals alike, with every ordering operator.</summary>
    [StoreTheory]
    [InlineData("output.score >= 0.9", new long[] { 8, 5 })]
    [InlineData("output.score > 0.9", new long[] { 8 })]
    [InlineData("output.score < 0.2", new long[] { 6, 3, 0 })]
    [InlineData("output.score <= 0.1", new long[] { 6, 3, 0 })]
    [InlineData("output.score = 0.95", new long[] { 8 })]
    [InlineData("output.score != 0.1", new long[] { 8, 7, 5, 4, 2, 1 })]
    [InlineData("output.rank = 10", new long[] { 7 })]
    [InlineData("output.rank > 9.5", new long[] { 7 })]
    [InlineData("output.rank < 10", new long[] { 4, 1 })]
    [InlineData("latencyMs >= 18", new long[] { 8, 7, 6 })]
    public async Task QueryAsync_WhereNumberComparison_ComparesNumerically(string expression, long[] expected)
    {
        await using ILedgerStore store = await OpenWhereDataAsync();

        Assert.Equal(expected, (await WhereAsync(store, expression)).Select(e => e.Seq));
    }

    /// <summary>Types are strict: a string never equals a number, a boolean never equals 1, and null is its own value.</summary>
    [StoreTheory]
    [InlineData("output.rank = \"10\"", new long[] { })]
    [InlineData("output.code = \"10\"", new long[] { 7 })]
    [InlineData("output.code = 10", new long[] { })]
    [InlineData("output.flagged = true", new long[] { 8, 5, 2 })]
    [InlineData("output.flagged = false", new long[] { 7, 6, 4, 3, 1, 0 })]
    [InlineData("output.flagged = 1", new long[] { })]
    [InlineData("output.note = null", new long[] { 4 })]
    [InlineData("output.note != null", new long[] { 7 })]
    [InlineData("output.label > \"fraud\"", new long[] { 7, 6, 4, 3, 1, 0 })]
    [InlineData("output.label < \"legit\"", new long[] { 8, 5, 2 })]
    public async Task QueryAsync_WhereTypes_AreStrict(string expression, long[] expected)
    {
        await using ILedgerStore store = await OpenWhereDataAsync();

        Assert.Equal(expected, (await WhereAsync(store, expression)).Select(e => e.Seq));
    }

    /// <summary><c>exists</c> asks for presence (null included); <c>!=</c> and comparisons never match a missing field; <c>contains</c> is a substring test on strings.</summary>
    [StoreTheory]
    [InlineData("output.note exists", new long[] { 7, 4 })]
    [InlineData("output.rank != 10", new long[] { 4, 1 })]
    [InlineData("metadata.endpoint contains \"/pre\"", new long[] { 8, 7, 6, 5, 4, 3, 2, 1, 0 })]
    [InlineData("metadata.endpoint contains \"PRE\"", new long[] { })]
    [InlineData("output.note contains \"ok\"", new long[] { 7 })]
    [InlineData("explanation.attributions.amount > 0.4", new long[] { 8, 5, 2 })]
    [InlineData("model.pipelineVersion = \"prep-7\"", new long[] { 8, 7, 6, 5, 4, 3, 2, 1, 0 })]
    public async Task QueryAsync_WherePresenceAndNested_Match(string expression, long[] expected)
    {
        await using ILedgerStore store = await OpenWhereDataAsync();

        Assert.Equal(expected, (await WhereAsync(store, expression)).Select(e => e.Seq));
    }

    /// <summary>Predicates combine with each other and with the column filters by AND.</summary>
    [StoreFact]
    public async Task QueryAsync_WhereWithColumnFilters_MatchesAll()
    {
        await using ILedgerStore store = await OpenWhereDataAsync();
        var filter = new EntryFilter
        {
            UserId = "bob",
            Where = WhereParser.Parse("output.label = \"fraud\" and output.score >= 0.9"),
        };

        List<StoredEntry> found = await ToListAsync(store.QueryAsync(filter));

        Assert.Equal([8L, 5L], found.Select(e => e.Seq));
    }

    /// <summary><c>input.</c> predicates read the stored input: plaintext inputs match, erased and encrypted ones never do (not even with <c>!=</c>).</summary>
    [StoreFact]
    public async Task QueryAsync_WhereInput_MatchesHeldPlaintextInputsOnly()
    {
        await using ILedgerStore store = await OpenWhereDataAsync();
        Assert.Equal(1, await store.DeleteInputsAsync([8]));

        // Seq 7's input is "encrypted" (starts with the 0x01 marker); 8 was erased just now.
        Assert.Equal([6L], (await WhereAsync(store, "input.amount > 5000")).Select(e => e.Seq));
        Assert.Equal([6L, 5L, 4L, 3L, 2L, 1L, 0L], (await WhereAsync(store, "input.amount exists")).Select(e => e.Seq));
        Assert.Equal([6L, 5L, 4L, 3L, 2L, 1L], (await WhereAsync(store, "input.amount != 0")).Select(e => e.Seq));
        Assert.Equal([4L, 0L], (await WhereAsync(store, "input.merchant.country = \"FR\"")).Select(e => e.Seq));
    }

    /// <summary>Values full of SQL and JSON-path syntax are data: they match nothing and change nothing.</summary>
    [StoreTheory]
    [InlineData("' OR '1'='1")]
    [InlineData("fraud'; DELETE FROM entries; --")]
    [InlineData("\") OR 1=1 --")]
    [InlineData("$.output")]
    [InlineData("%")]
    public async Task QueryAsync_WhereValueWithSqlSyntax_IsInert(string value)
    {
        await using ILedgerStore store = await OpenWhereDataAsync();
        var filter = new EntryFilter { Where = [new FieldPredicate(FieldPath.Parse("output.label"), WhereOperator.Equal, WhereLiteral.FromString(value))] };

        Assert.Empty(await ToListAsync(store.QueryAsync(filter)));
        var contains = new EntryFilter { Where = [new FieldPredicate(FieldPath.Parse("output.label"), WhereOperator.Contains, WhereLiteral.FromString(value))] };
        Assert.Empty(await ToListAsync(store.QueryAsync(contains)));
        Assert.Equal(9, await store.GetSizeAsync());
        Assert.Equal(9, (await ToListAsync(store.ReadEntriesAsync(0, 100))).Count);
    }

    /// <summary>The catalog lists, per model, the paths of outputs, explanations, metadata, model fields, latency and plaintext inputs.</summary>
    [StoreFact]
    public async Task GetFieldPathsAsync_AfterAppend_ListsPathsPerModel()
    {
        await using ILedgerStore store = await OpenWhereDataAsync();
        await store.AppendAsync(new AppendBatch([WhereEntry(9, "credit", """{"approved":true}""", "alice")], [], [], null));

        IReadOnlyList<string> fraud = await store.GetFieldPathsAsync("fraud_detector");
        IReadOnlyList<string> credit = await store.GetFieldPathsAsync("credit");
        IReadOnlyList<string> all = await store.GetFieldPathsAsync(null);

        Assert.Equal(
            [
                "explanation.attributions", "explanation.attributions.amount", "explanation.method",
                "input.amount", "input.merchant", "input.merchant.country",
                "latencyMs", "metadata.endpoint", "model.name", "model.pipelineVersion", "model.version",
                "output.code", "output.flagged", "output.label", "output.note", "output.rank", "output.score",
            ],
            fraud);
        Assert.Equal(["explanation.attributions", "explanation.method", "latencyMs", "metadata.endpoint", "model.name", "model.pipelineVersion", "model.version", "output.approved"], credit);
        Assert.Equal(fraud.Union(credit).Order(StringComparer.Ordinal), all);
        Assert.Empty(await store.GetFieldPathsAsync("no_such_model"));
    }

    /// <summary>The catalog skips ciphertext inputs and names no query could use, and survives a restart.</summary>
    [StoreFact]
    public async Task GetFieldPathsAsync_EncryptedInputsAndOddNames_AreSkippedAndCatalogPersists()
    {
        await using (ILedgerStore store = await OpenEmptyAsync())
        {
            StoredEntry entry = WhereEntry(0, "m", """{"ok":true,"with space":1,"nested":{"1bad":2,"good":3}}""", "alice");
            byte[] encrypted = [0x01, .. "{\"secret\":1}"u8.ToArray()];
            await store.AppendAsync(new AppendBatch([entry], [new StoredInput(0, [], encrypted)], [], null));
        }

        await using ILedgerStore reopened = await ReopenStoreAsync();
        await reopened.OpenAsync();
        IReadOnlyList<string> paths = await reopened.GetFieldPathsAsync("m");

        Assert.Contains("output.ok", paths);
        Assert.Contains("output.nested.good", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("input.", StringComparison.Ordinal) || p.Contains(' ', StringComparison.Ordinal) || p.Contains("1bad", StringComparison.Ordinal));
    }

    /// <summary>Paging with the engine's cursor visits every match exactly once, newest first, even while entries are appended.</summary>
    [StoreFact]
    public async Task LedgerQuery_CursorPaging_VisitsEveryMatchOnceWhileLedgerGrows()
    {
        await using ILedgerStore store = await OpenWhereDataAsync();
        var query = new LedgerQuery(store);
        var filter = new EntryFilter { Where = WhereParser.Parse("output.flagged = false"), Limit = 2 };
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            QueryPage page = await query.RunAsync(filter, cursor);
            seen.AddRange(page.Entries.Select(e => e.Seq));
            cursor = page.NextCursor;
            if (seen.Count == 2)
            {
                // Newer entries land above the cursor and do not disturb the pages still to come.
                await store.AppendAsync(new AppendBatch([WhereEntry(9, "fraud_detector", """{"flagged":false}""", "alice")], [], [], null));
            }
        }
        while (cursor is not null);

        Assert.Equal([7L, 6L, 4L, 3L, 1L, 0L], seen);
    }

    /// <summary>A cursor from one query is refused by another with a message naming the parameter; a garbled one too.</summary>
    [StoreFact]
    public async Task LedgerQuery_CursorFromOtherQuery_IsRefused()
    {
        await using ILedgerStore store = await OpenWhereDataAsync();
        var query = new LedgerQuery(store);
        QueryPage first = await query.RunAsync(new EntryFilter { Where = WhereParser.Parse("output.flagged = false"), Limit = 2 });
        Assert.NotNull(first.NextCursor);

        QueryException other = await Assert.ThrowsAsync<QueryException>(async () =>
            await query.RunAsync(new EntryFilter { Where = WhereParser.Parse("output.flagged = true"), Limit = 2 }, first.NextCursor));
        QueryException garbled = await Assert.ThrowsAsync<QueryException>(async () =>
            await query.RunAsync(new EntryFilter { Limit = 2 }, "not-a-cursor!"));

        Assert.Equal("--cursor: this cursor belongs to a query with other filters or where clauses; repeat the exact filters of the page that returned it, or drop --cursor to start from the newest decision.", other.Message);
        Assert.StartsWith("--cursor: \"not-a-cursor!\" is not a query cursor", garbled.Message, StringComparison.Ordinal);
    }

    /// <summary>An unknown path is an error listing the fields seen for the model, not an empty result.</summary>
    [StoreTheory]
    [InlineData("fraud_detector", "output.lable = \"fraud\"", "--where: unknown field \"output.lable\"; output fields seen for fraud_detector: code, flagged, label, note, rank, score.")]
    [InlineData("fraud_detector", "explanation.attributions.amout > 1", "--where: unknown field \"explanation.attributions.amout\"; explanation.attributions fields seen for fraud_detector: amount.")]
    [InlineData(null, "input.ammount > 1", "--where: unknown field \"input.ammount\"; input fields seen: amount, merchant (input fields are learnt from inputs held in plaintext; erased and encrypted inputs add none).")]
    [InlineData("credit", "output.label = \"x\"", "--where: unknown field \"output.label\"; no output fields have been seen for credit.")]
    public async Task LedgerQuery_UnknownField_IsErrorWithKnownFields(string? model, string expression, string message)
    {
        await using ILedgerStore store = await OpenWhereDataAsync();
        var query = new LedgerQuery(store);

        QueryException error = await Assert.ThrowsAsync<QueryException>(async () =>
            await query.RunAsync(new EntryFilter { ModelName = model, Where = WhereParser.Parse(expression) }));

        Assert.Equal(message, error.Message);
    }

    /// <summary>On a ledger at the threshold, unindexed predicates are refused with a hint; an indexed filter or allowScan runs them.</summary>
    [StoreFact]
    public async Task LedgerQuery_UnindexedScanOfLargeLedger_IsRefusedWithHint()
    {
        await using ILedgerStore store = await OpenWhereDataAsync();
        var query = new LedgerQuery(store, new LedgerQueryOptions { ScanThreshold = 9 });
        var unindexed = new EntryFilter { Where = WhereParser.Parse("output.label = \"fraud\"") };

        QueryException refused = await Assert.ThrowsAsync<QueryException>(async () => await query.RunAsync(unindexed));

        Assert.Equal(
            "--where: no indexed filter narrows this query, and the ledger holds 9 entries (the limit for an unindexed scan is 9): " +
            "add a model, user, tenant, subject, request id or time range filter (e.g. --model NAME, or --from and --to), or pass --allow-scan to scan anyway.",
            refused.Message);
        Assert.Equal(3, (await query.RunAsync(unindexed, allowScan: true)).Entries.Count);
        Assert.Equal(3, (await query.RunAsync(unindexed with { ModelName = "fraud_detector" })).Entries.Count);
        Assert.Equal(9, (await query.RunAsync(new EntryFilter())).Entries.Count);
        Assert.Equal(3, (await new LedgerQuery(store, new LedgerQueryOptions { ScanThreshold = 10 }).RunAsync(unindexed)).Entries.Count);
    }

    // Nine fraud_detector decisions: labels cycle legit, legit, fraud; scores 0.1 … 0.95; inputs with amounts.
    private async Task<ILedgerStore> OpenWhereDataAsync()
    {
        ILedgerStore store = await OpenEmptyAsync();
        string[] outputs =
        [
            """{"flagged":false,"label":"legit","score":0.1}""",
            """{"flagged":false,"label":"legit","rank":3,"score":0.5}""",
            """{"flagged":true,"label":"fraud","score":0.7}""",
            """{"flagged":false,"label":"legit","score":0.1}""",
            """{"flagged":false,"label":"legit","note":null,"rank":9,"score":0.3}""",
            """{"flagged":true,"label":"fraud","score":0.9}""",
            """{"flagged":false,"label":"legit","score":0.1}""",
            """{"code":"10","flagged":false,"label":"legit","note":"ok fine","rank":10,"score":0.2}""",
            """{"flagged":true,"label":"fraud","score":0.95}""",
        ];
        var entries = new StoredEntry[outputs.Length];
        var inputs = new List<StoredInput>();
        for (int i = 0; i < outputs.Length; i++)
        {
            entries[i] = WhereEntry(i, "fraud_detector", outputs[i], i % 3 == 2 ? "bob" : "alice");
            string country = i % 4 == 0 ? "FR" : "DE";
            byte[] input = Encoding.UTF8.GetBytes($$$"""{"amount":{{{i * 1000}}},"merchant":{"country":"{{{country}}}"}}""");
            inputs.Add(new StoredInput(i, new byte[16], i == 7 ? [0x01, .. input] : input));
        }

        await store.AppendAsync(new AppendBatch(entries, inputs, [], null));
        return store;
    }

    private static StoredEntry WhereEntry(long seq, string model, string output, string user)
    {
        string requestId = Some.RequestIdOf(seq);
        DateTimeOffset ts = Some.TimestampOf(seq);
        string amount = seq % 3 == 2 ? "0.42" : "0.1";
        string attributions = model == "credit" ? "{}" : "{\"amount\":" + amount + "}";
        byte[] body = Encoding.UTF8.GetBytes(
            $$"""{"actor":{"userId":"{{user}}"},"explanation":{"attributions":{{attributions}},"method":"shap"},"inputDigest":"00","latencyMs":{{seq * 3}},"metadata":{"endpoint":"/predict"},"model":{"name":"{{model}}","pipelineVersion":"prep-7","version":"1.0"},"output":{{output}},"requestId":"{{requestId}}","seq":{{seq}},"timestamp":"{{ts:O}}","v":1}""");
        var columns = new EntryColumns(requestId, ts, model, "1.0", user, "emea", null, Some.FingerprintOf(seq));
        return new StoredEntry(seq, body, MerkleHasher.HashLeaf(body), columns);
    }

    private static Task<List<StoredEntry>> WhereAsync(ILedgerStore store, string expression) =>
        ToListAsync(store.QueryAsync(new EntryFilter { Where = WhereParser.Parse(expression) }));
}
