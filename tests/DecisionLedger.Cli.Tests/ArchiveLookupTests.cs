using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Ledger;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Tests;

/// <summary>Look-ups of archived decisions by subject and request id decode only the archive files that hold them, and return what the full scan returns.</summary>
public sealed class ArchiveLookupTests
{
    [Fact]
    public async Task SubjectAndRequestIdLookups_DecodeOnlyTheFilesHoldingThem_AndMatchTheFullScan()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        Assert.True(run.Files.Count >= 2, $"the demo archive needs several files; it has {run.Files.Count}");
        var rowsByFile = new Dictionary<string, List<ArchiveRow>>(StringComparer.Ordinal);
        foreach (var file in run.Files)
        {
            rowsByFile[file.File] = await ArchivedLedger.ReadRowsAsync(temp, file.File);
        }

        // A subject held by the fewest files, and a request id of the last file.
        string subject = rowsByFile.Values.SelectMany(r => r).Select(r => r.Subject).OfType<string>().Distinct(StringComparer.Ordinal)
            .OrderBy(s => rowsByFile.Values.Count(rows => rows.Exists(r => r.Subject == s))).ThenBy(s => s, StringComparer.Ordinal).First();
        int subjectFiles = rowsByFile.Values.Count(rows => rows.Exists(r => r.Subject == subject));
        Assert.True(subjectFiles < run.Files.Count, $"subject '{subject}' is in every file");
        ArchiveRow wanted = rowsByFile[run.Files[^1].File][0];

        LedgerDirectory directory = LedgerDirectory.Open(temp.Ledger);
        NoteVerifier verifier = NoteVerifier.Parse(directory.VerifierKey);
        var store = new SqliteLedgerStore(directory.DatabasePath);
        await using (store)
        {
            await store.OpenAsync();
            ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store);
            var fullScan = new ArchiveReader(catalog, d => new DirectoryArchiveDestination(ArchivedLedger.Directory(temp)), verifier);
            List<long> expected = [];
            await foreach (ArchivedEntry entry in fullScan.ScanAsync(r => r.Subject == subject))
            {
                expected.Add(entry.Seq);
            }

            Assert.NotEmpty(expected);

            var reader = new ArchiveReader(catalog, d => new DirectoryArchiveDestination(ArchivedLedger.Directory(temp)), verifier);
            var view = new ArchiveBackedLedgerStore(store, reader);
            List<long> found = [];
            await foreach (StoredEntry entry in view.QueryAsync(new EntryFilter { SubjectId = subject, Limit = 10_000 }))
            {
                if (expected.Contains(entry.Seq))
                {
                    found.Add(entry.Seq);
                }
            }

            Assert.Equal(expected, found);
            Assert.Equal(subjectFiles, reader.FilesDecoded);

            var byIdReader = new ArchiveReader(catalog, d => new DirectoryArchiveDestination(ArchivedLedger.Directory(temp)), verifier);
            StoredEntry? byId = await new ArchiveBackedLedgerStore(store, byIdReader).FindByRequestIdAsync(wanted.RequestId);
            Assert.NotNull(byId);
            Assert.Equal(wanted.Seq, byId.Seq);
            Assert.Equal(1, byIdReader.FilesDecoded);
        }
    }

    [Fact]
    public async Task SubjectLookup_StillRefuses_WhenAFileWithoutTheSubjectWasSwapped()
    {
        using var temp = new TempLedger();
        ArchiveRunResult run = await ArchivedLedger.CreateAsync(temp);
        List<ArchiveRow> first = await ArchivedLedger.ReadRowsAsync(temp, run.Files[0].File);
        string subject = (await ArchivedLedger.ReadRowsAsync(temp, run.Files[^1].File)).Select(r => r.Subject).OfType<string>()
            .First(s => !first.Exists(r => r.Subject == s));
        await ArchivedLedger.WriteRowsAsync(temp, run.Files[0].File, first, Parquet.CompressionMethod.Snappy);

        LedgerDirectory directory = LedgerDirectory.Open(temp.Ledger);
        var store = new SqliteLedgerStore(directory.DatabasePath);
        await using (store)
        {
            await store.OpenAsync();
            ArchiveCatalog catalog = await ArchiveCatalog.LoadAsync(store);
            var reader = new ArchiveReader(catalog, d => new DirectoryArchiveDestination(ArchivedLedger.Directory(temp)), NoteVerifier.Parse(directory.VerifierKey));
            ArchiveIntegrityException refused = await Assert.ThrowsAsync<ArchiveIntegrityException>(async () =>
            {
                await foreach (ArchivedEntry unused in reader.FindBySubjectAsync([subject]))
                {
                }
            });
            Assert.Contains(run.Files[0].File, refused.Message, StringComparison.Ordinal);
        }
    }
}
