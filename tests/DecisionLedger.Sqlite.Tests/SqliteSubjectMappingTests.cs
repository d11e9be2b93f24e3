using System.Security.Cryptography;
using System.Text;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>
/// The <c>subjects</c> mapping in the SQLite file: erasing it leaves no byte of the clear subject id in
/// any file of the ledger (database, WAL, shared memory), and files of schema version 2 get the table.
/// </summary>
public sealed class SqliteSubjectMappingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// A subject whose id is a unique marker is mapped among thousands of others (so the table splits
    /// pages around its row), has inputs naming it and an input key; after its inputs, key and mapping
    /// are deleted and the store closed, no file of the directory holds the marker. Before the erasure
    /// the files do hold it, so the search is able to find it.
    /// </summary>
    [Fact]
    public async Task DeleteSubjectRef_WithInputsAndKey_MarkerInNoFileOfTheLedger()
    {
        string marker = "erase-me-" + Guid.NewGuid().ToString("N") + "@example.com";
        byte[] needle = Encoding.UTF8.GetBytes(marker);
        string markerRef = RefOf(marker);
        var erasedSeqs = new List<long>();
        await using (var store = new SqliteLedgerStore(DatabasePath))
        {
            await store.OpenAsync();
            long seq = 0;
            for (int batch = 0; batch < 40; batch++)
            {
                var entries = new List<StoredEntry>();
                var inputs = new List<StoredInput>();
                var refs = new List<SubjectRef>();
                for (int i = 0; i < 50; i++, seq++)
                {
                    bool aboutMarker = seq % 37 == 5;
                    string subjectId = aboutMarker ? marker : $"customer-{seq:D6}@example.com";
                    entries.Add(Some.Entry(seq, subjectId: aboutMarker ? markerRef : RefOf(subjectId)));
                    inputs.Add(new StoredInput(seq, new byte[16], Encoding.UTF8.GetBytes($$"""{"email":"{{subjectId}}","amount":{{seq}}}""")));
                    if (aboutMarker)
                    {
                        erasedSeqs.Add(seq);
                    }

                    if (!aboutMarker || seq == 5)
                    {
                        refs.Add(new SubjectRef(subjectId, RefOf(subjectId)));
                    }
                }

                await store.AppendAsync(new AppendBatch(entries, inputs, [], null) { NewSubjectRefs = refs });
            }

            await store.GetOrCreateSubjectKeysAsync(new Dictionary<string, byte[]> { [marker] = new byte[48] });
            await store.IndexPendingAsync();
            Assert.True(FilesHolding(needle).Count > 0, "the marker should be in the ledger's files before the erasure");

            Assert.Equal(erasedSeqs.Count, await store.DeleteInputsAsync(erasedSeqs));
            Assert.True(await store.DeleteSubjectKeyAsync(marker));
            Assert.Equal(markerRef, await store.DeleteSubjectRefAsync(marker));
            Assert.Empty(await store.GetSubjectRefsAsync([marker]));

            // Writing on after the erasure must not bring the bytes back from an old page.
            await store.AppendAsync(Some.Batch(Some.Entries(seq, 50)) with { NewSubjectRefs = [new("later@example.com", RefOf("later"))] });
        }

        SqliteConnection.ClearAllPools();
        Assert.Contains(Directory.GetFiles(_directory.Path), f => f.EndsWith("ledger.db", StringComparison.Ordinal));
        Assert.Empty(FilesHolding(needle));
    }

    /// <summary>The erasure truncates the WAL even while the store stays open, so the deleted row has no older copy there.</summary>
    [Fact]
    public async Task DeleteSubjectRef_StoreStillOpen_WalHoldsNoCopy()
    {
        string marker = "still-open-" + Guid.NewGuid().ToString("N");
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 10)) with { NewSubjectRefs = [new(marker, RefOf(marker)), new("other", RefOf("other"))] });
        Assert.NotEmpty(FilesHolding(Encoding.UTF8.GetBytes(marker)));

        Assert.Equal(RefOf(marker), await store.DeleteSubjectRefAsync(marker));

        Assert.Empty(FilesHolding(Encoding.UTF8.GetBytes(marker)));
        Assert.Equal("other", (await store.GetSubjectIdsAsync([RefOf("other")]))[RefOf("other")]);
    }

    /// <summary>
    /// An id with a lone surrogate is stored in its UTF-8 form (U+FFFD in its place); the batched look-up finds it
    /// under the id as asked, beside well-formed ids and a surrogate pair, instead of failing to write the id into
    /// its JSON array.
    /// </summary>
    [Fact]
    public async Task GetSubjectRefsAsync_IdWithLoneSurrogate_FoundUnderTheIdAsAsked()
    {
        string lone = "lone-\uD800-id";
        string pair = "pair-\uD83D\uDE00-id";
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 1)) with { NewSubjectRefs = [new(lone, RefOf(lone)), new(pair, RefOf(pair)), new("plain", RefOf("plain"))] });

        IReadOnlyDictionary<string, string> refs = await store.GetSubjectRefsAsync([lone, pair, "plain", "unknown-\uDC00"]);

        Assert.Equal(3, refs.Count);
        Assert.Equal(RefOf(lone), refs[lone]);
        Assert.Equal(RefOf(pair), refs[pair]);
        Assert.Equal(RefOf("plain"), refs["plain"]);
    }

    /// <summary>A file of schema version 2 gets the mapping table on its first writable open; read-only it maps nobody.</summary>
    [Fact]
    public async Task OpenAsync_SchemaVersion2File_AddsTheSubjectsTable()
    {
        await using (var store = new SqliteLedgerStore(DatabasePath))
        {
            await store.OpenAsync();
            await store.AppendAsync(Some.Batch(Some.Entries(0, 3)));
        }

        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, "DROP TABLE subjects; PRAGMA user_version = 2;");
        }

        await using (var readOnly = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true }))
        {
            await readOnly.OpenAsync();
            Assert.Empty(await readOnly.GetSubjectRefsAsync(["alice"]));
            Assert.Empty(await readOnly.GetSubjectIdsAsync([RefOf("alice")]));
        }

        await using (var upgraded = new SqliteLedgerStore(DatabasePath))
        {
            await upgraded.OpenAsync();
            await upgraded.AppendAsync(Some.Batch(Some.Entries(3, 1)) with { NewSubjectRefs = [new("alice", RefOf("alice"))] });
            Assert.Equal(RefOf("alice"), (await upgraded.GetSubjectRefsAsync(["alice"]))["alice"]);
        }

        using SqliteConnection check = OpenRaw();
        using SqliteCommand version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal(3L, version.ExecuteScalar());
    }

    private static string RefOf(string seed) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(seed))[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private List<string> FilesHolding(byte[] needle)
    {
        var holding = new List<string>();
        foreach (string file in Directory.GetFiles(_directory.Path))
        {
            // Read shared: the store may still hold the files open.
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
            {
                holding.Add(Path.GetFileName(file));
            }
        }

        return holding;
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
