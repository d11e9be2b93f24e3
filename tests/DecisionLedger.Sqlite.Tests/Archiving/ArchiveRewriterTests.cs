using System.Text;
using DecisionLedger.Archiving;
using DecisionLedger.Entries;

namespace DecisionLedger.Sqlite.Tests.Archiving;

/// <summary>
/// The rewrite shared by erasure and archived input retention: erasure keeps its behaviour (the subject's
/// inputs go, a damaged file is refused), and the <c>archive-rewrite</c> event keeps an erasure's bytes while
/// it gains the <c>input-retention</c> reason.
/// </summary>
public sealed class ArchiveRewriterTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ArchiveRewrittenFile File1 = new("fraud/2026-01/000000000000-000000000255.parquet", new string('a', 64), 128, new string('b', 64));

    private readonly ArchiveFixture _fixture = new();

    [Fact]
    public async Task ArchiveEraser_RemovesOnlyTheSubjectsInputs_AndRefusesADamagedFile()
    {
        await _fixture.SeedAsync(300);
        await _fixture.ArchiveAsync();
        ArchiveReader reader = await ReaderAsync();

        var rewrites = await ArchiveEraser.RewriteAsync(reader, ["customer-2"], _fixture.Ledger.Signer);

        (_, IReadOnlyList<ArchiveRewrittenFile> files, IReadOnlyList<long> seqs) = Assert.Single(rewrites);
        Assert.Equal(4, files.Count);
        Assert.Equal(Enumerable.Range(0, 256).Where(i => i % 5 == 2).Select(i => (long)i), seqs.Order());
        foreach (string path in Directory.GetFiles(_fixture.ArchivePath, "*.parquet", SearchOption.AllDirectories))
        {
            await using FileStream stream = File.OpenRead(path);
            foreach (ArchiveRow row in await ArchiveParquetReader.ReadAsync(stream))
            {
                Assert.Equal(row.Subject == "customer-2", row.Input is null);
            }
        }

        // No archive-rewrite event recorded the new digests, so every file now fails its checks: a further erasure is refused, not covering that up.
        await Assert.ThrowsAsync<ArchiveIntegrityException>(async () => await ArchiveEraser.RewriteAsync(await ReaderAsync(), ["customer-3"], _fixture.Ledger.Signer));
    }

    [Fact]
    public void ArchiveRewriteEvent_Erasure_KeepsItsBytes()
    {
        var entry = new EventEntry(7, "0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a9b", At, LedgerEvent.ForArchiveRewrite(new ArchiveRewriteEvent("dir:/a", 6, [File1]), 1));

        string json = Encoding.UTF8.GetString(EventCanonicalizer.ToCanonicalBytes(entry));

        Assert.Equal(
            "{\"event\":{\"destination\":\"dir:/a\",\"erasureSeq\":6,\"files\":[{\"file\":\"fraud/2026-01/000000000000-000000000255.parquet\",\"previous\":\"" + new string('a', 64) + "\",\"rows\":128,\"sha256\":\"" + new string('b', 64) + "\"}],\"reason\":\"erasure\"},\"kind\":\"archive-rewrite\",\"requestId\":\"0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a9b\",\"seq\":7,\"timestamp\":\"2026-03-01T00:00:00.000000Z\",\"v\":1}",
            json);
        ArchiveRewriteEvent read = EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(json)).Event.ArchiveRewrite!;
        Assert.Equal((6L, (long?)null, ArchiveRewriteEvent.ErasureReason), (read.ErasureSeq, read.RetentionSeq, read.Reason));
    }

    [Fact]
    public void ArchiveRewriteEvent_InputRetention_RoundTrips_WithRetentionSeqInsteadOfErasureSeq()
    {
        var entry = new EventEntry(9, "0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a9b", At, LedgerEvent.ForArchiveRewrite(ArchiveRewriteEvent.ForInputRetention("dir:/a", 8, [File1]), 1));

        byte[] bytes = EventCanonicalizer.ToCanonicalBytes(entry);
        string json = Encoding.UTF8.GetString(bytes);

        Assert.Contains("\"reason\":\"input-retention\",\"retentionSeq\":8}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("erasureSeq", json, StringComparison.Ordinal);
        ArchiveRewriteEvent read = EventCanonicalizer.Parse(bytes).Event.ArchiveRewrite!;
        Assert.Equal((8L, ArchiveRewriteEvent.InputRetentionReason), (read.RetentionSeq!.Value, read.Reason));
        Assert.Equal(bytes, EventCanonicalizer.ToCanonicalBytes(EventCanonicalizer.Parse(bytes)));
    }

    [Theory]
    [InlineData("\"erasureSeq\":6,\"files\":[],\"reason\":\"input-retention\",\"retentionSeq\":8", "erasureSeq")]
    [InlineData("\"files\":[],\"reason\":\"erasure\",\"retentionSeq\":8", "retentionSeq")]
    [InlineData("\"erasureSeq\":6,\"files\":[],\"reason\":\"expiry\"", "reason")]
    public void ArchiveRewriteEvent_MembersThatDoNotFitTheReason_AreRefusedByName(string members, string named)
    {
        string json = "{\"event\":{\"destination\":\"dir:/a\"," + members + "},\"kind\":\"archive-rewrite\",\"requestId\":\"0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a9b\",\"seq\":9,\"timestamp\":\"2026-03-01T00:00:00.000000Z\",\"v\":1}";

        FormatException refused = Assert.Throws<FormatException>(() => EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    private async Task<ArchiveReader> ReaderAsync()
    {
        await using SqliteLedgerStore store = _fixture.Ledger.OpenStore();
        await store.OpenAsync();
        return new ArchiveReader(await ArchiveCatalog.LoadAsync(store), _ => _fixture.Destination, _fixture.Ledger.Signer.Verifier);
    }

    public void Dispose() => _fixture.Dispose();
}
