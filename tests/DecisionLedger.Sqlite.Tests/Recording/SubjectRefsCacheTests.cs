using DecisionLedger.Decisions;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// The recorder's subject-ref cache over a real SQLite mapping when there are more subjects than it holds: an
/// evicted id gets back the ref stored for it (its chain goes on), every miss of a batch is asked for in one
/// store call, and ids repeated in a batch share one ref.
/// </summary>
public sealed class SubjectRefsCacheTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AssignAsync_MoreSubjectsThanTheCacheHolds_EvictedIdsGetTheirStoredRefBack()
    {
        await using var sqlite = new SqliteLedgerStore(_directory.File("ledger.db"));
        await sqlite.OpenAsync();
        var store = new LookupCountingStore(sqlite);
        var refs = new SubjectRefs(store, new SeededRandomSource(7), new StoreRetry(new LedgerOptions(), TimeProvider.System, NullLogger.Instance), capacity: 8);

        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int batch = 0; batch < 4; batch++)
        {
            List<EntryRequest> requests = Requests(Enumerable.Range(batch * 10, 10));
            List<SubjectRef>? created = await refs.AssignAsync(requests);
            Assert.Equal(10, created!.Count);
            await sqlite.AppendAsync(Some.Batch(Some.Entries(batch, 1)) with { NewSubjectRefs = created });
            refs.Committed(created);
            foreach (EntryRequest request in requests)
            {
                first.Add(request.SubjectId!, request.SubjectRef!);
            }
        }

        int callsBefore = store.Calls;
        List<EntryRequest> again = Requests(Enumerable.Range(0, 40).Concat([3, 3, 39]));
        Assert.Null(await refs.AssignAsync(again));

        Assert.All(again, request => Assert.Equal(first[request.SubjectId!], request.SubjectRef));
        Assert.Equal(callsBefore + 1, store.Calls);
        Assert.InRange(store.LastAsked, 32, 40);
        Assert.Equal(0, refs.UncommittedCount);
    }

    [Fact]
    public async Task AssignAsync_IdRepeatedInBatch_OneNewRefSharedByBoth()
    {
        await using var sqlite = new SqliteLedgerStore(_directory.File("ledger.db"));
        await sqlite.OpenAsync();
        var refs = new SubjectRefs(sqlite, new SeededRandomSource(3), new StoreRetry(new LedgerOptions(), TimeProvider.System, NullLogger.Instance), capacity: 2);

        List<EntryRequest> requests = Requests([5, 6, 5]);
        List<SubjectRef>? created = await refs.AssignAsync(requests);

        Assert.Equal(2, created!.Count);
        Assert.Equal(requests[0].SubjectRef, requests[2].SubjectRef);
        Assert.NotEqual(requests[0].SubjectRef, requests[1].SubjectRef);
        Assert.All(created, c => Assert.True(SubjectRefChecks.IsWellFormedRef(c.Ref), c.Ref));
    }

    /// <summary>A ref is base64url without padding of the 16 random bytes, in the URL-safe alphabet.</summary>
    [Fact]
    public void NewRef_BytesNeedingTheUrlAlphabet_Base64UrlWithoutPadding()
    {
        string made = SubjectRefs.NewRef(new FixedRandomSource(0xFB));

        Assert.Equal("-_v7-_v7-_v7-_v7-_v7-w", made);
        Assert.True(SubjectRefChecks.IsWellFormedRef(made));
    }

    private static List<EntryRequest> Requests(IEnumerable<int> subjects) =>
        [.. subjects.Select((subject, i) => (EntryRequest)new DecisionRequest(
            RecorderFixture.Decision(i) with { Subject = new DecisionSubject { Id = $"customer-{subject}@example.com" } },
            $"req-{subject}-{i}", true, DateTimeOffset.UnixEpoch, awaited: false, includeProof: false, onFailure: null))];

    private sealed class LookupCountingStore(ILedgerStore inner) : DelegatingLedgerStore(inner)
    {
        public int Calls { get; private set; }

        public int LastAsked { get; private set; }

        public override ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
        {
            Calls++;
            LastAsked = subjectIds.Count;
            return Inner.GetSubjectRefsAsync(subjectIds, cancellationToken);
        }
    }

    private sealed class FixedRandomSource(byte value) : IRandomSource
    {
        public void Fill(Span<byte> buffer) => buffer.Fill(value);
    }
}
