using System.Text;
using DecisionLedger.Storage;

namespace DecisionLedger.Store.ContractTests;

/// <summary>Erasure removes what was derived from an erased input: its fingerprint and the catalog paths only it held.</summary>
public abstract partial class LedgerStoreContract
{
    /// <summary>After erasure, a same-input lookup (the fingerprint filter) no longer confirms an erased input; others still match.</summary>
    [StoreFact]
    public async Task DeleteInputsAsync_ErasedEntries_FingerprintLookupFindsNothing()
    {
        await using ILedgerStore store = await OpenEmptyAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 5)));
        Assert.Equal([1L], await SeqsWithFingerprintAsync(store, Some.FingerprintOf(1)));

        await store.DeleteInputsAsync([1, 3]);

        Assert.Empty(await SeqsWithFingerprintAsync(store, Some.FingerprintOf(1)));
        Assert.Empty(await SeqsWithFingerprintAsync(store, Some.FingerprintOf(3)));
        Assert.Equal([2L], await SeqsWithFingerprintAsync(store, Some.FingerprintOf(2)));
        Assert.Null((await store.GetEntryAsync(1))!.Columns.InputFingerprint);
        Assert.Equal(Some.FingerprintOf(2), (await store.GetEntryAsync(2))!.Columns.InputFingerprint);

        // A second erasure of the same entries (inputs already gone) is harmless.
        Assert.Equal(0, await store.DeleteInputsAsync([1, 3]));
        Assert.Empty(await SeqsWithFingerprintAsync(store, Some.FingerprintOf(1)));
    }

    /// <summary>
    /// The catalog forgets input paths only erased inputs held, keeps paths a remaining input (or
    /// another model) holds, and learns a forgotten path again when a new input brings it. The
    /// entries are not indexed yet when erased, so a store with a deferred index must not write
    /// their paths back afterwards.
    /// </summary>
    [StoreFact]
    public async Task DeleteInputsAsync_InputPathsOnlyErasedInputsHeld_AreForgotten()
    {
        await using ILedgerStore store = await CreateLaggingStoreAsync();
        await store.OpenAsync();
        await store.AppendAsync(new AppendBatch(
            [Some.Entry(0), Some.Entry(1), Some.Entry(2), Some.Entry(3, model: "credit")],
            [
                InputOf(0, """{"amount":1,"shared":{"a":1}}"""),
                InputOf(1, """{"amount":2,"shared":{"a":2},"janeDoeEmail":"x","nested":{"maidenName":"y"}}"""),
                InputOf(2, """{"amount":3}"""),
                InputOf(3, """{"janeDoeEmail":"z"}"""),
            ],
            [],
            null));
        Assert.Contains("input.janeDoeEmail", await store.GetFieldPathsAsync("fraud_detector"));

        await store.DeleteInputsAsync([1]);

        IReadOnlyList<string> fraud = await store.GetFieldPathsAsync("fraud_detector");
        Assert.DoesNotContain("input.janeDoeEmail", fraud);
        Assert.DoesNotContain("input.nested", fraud);
        Assert.DoesNotContain("input.nested.maidenName", fraud);
        Assert.Contains("input.amount", fraud);
        Assert.Contains("input.shared.a", fraud);
        Assert.Contains("output.score", fraud);
        Assert.Contains("input.janeDoeEmail", await store.GetFieldPathsAsync("credit"));

        await CatchUpIndexAsync(store);
        Assert.DoesNotContain("input.janeDoeEmail", await store.GetFieldPathsAsync("fraud_detector"));

        await store.AppendAsync(new AppendBatch([Some.Entry(4)], [InputOf(4, """{"janeDoeEmail":"new"}""")], [], null));
        await CatchUpIndexAsync(store);
        Assert.Contains("input.janeDoeEmail", await store.GetFieldPathsAsync("fraud_detector"));
    }

    /// <summary>The erased fingerprints and catalog paths stay gone after the store is reopened.</summary>
    [StoreFact]
    public async Task DeleteInputsAsync_AfterReopen_FingerprintAndPathStayGone()
    {
        await using (ILedgerStore store = await OpenEmptyAsync())
        {
            await store.AppendAsync(new AppendBatch(
                [Some.Entry(0), Some.Entry(1)],
                [InputOf(0, """{"amount":1}"""), InputOf(1, """{"amount":2,"onlyHere":true}""")],
                [],
                null));
            await store.DeleteInputsAsync([1]);
        }

        await using ILedgerStore reopened = await ReopenStoreAsync();
        await reopened.OpenAsync();
        Assert.Empty(await SeqsWithFingerprintAsync(reopened, Some.FingerprintOf(1)));
        Assert.DoesNotContain("input.onlyHere", await reopened.GetFieldPathsAsync(null));
        Assert.Contains("input.amount", await reopened.GetFieldPathsAsync(null));
        StoredEntry entry = Some.Entry(1);
        StoredEntry? stored = await reopened.GetEntryAsync(1);
        Assert.Equal(entry.CanonicalBytes, stored!.CanonicalBytes);
        Assert.Equal(entry.LeafHash, stored.LeafHash);
    }

    private static StoredInput InputOf(long seq, string json) => new(seq, new byte[16], Encoding.UTF8.GetBytes(json));

    private static async Task<List<long>> SeqsWithFingerprintAsync(ILedgerStore store, string fingerprint) =>
        [.. (await ToListAsync(store.QueryAsync(new EntryFilter { InputFingerprint = fingerprint, Limit = 100 }))).Select(e => e.Seq)];
}
