using DecisionLedger.Checkpoints;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Redis.Sequencing;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Redis.Tests;

/// <summary>A real ledger directory (SQLite) in a temp folder, with the privacy step collectors use.</summary>
internal sealed class TestLedger : IDisposable
{
    public TestLedger(string? origin = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "dledger-redis-" + Path.GetRandomFileName());
        Directory = LedgerDirectory.Create(Path.Combine(Root, "ledger"), origin ?? "test.example/" + Path.GetRandomFileName());
        Preparer = new DecisionPreparer(Directory.CreateFingerprinter(), Directory.CreateRedactor());
    }

    public string Root { get; }

    public LedgerDirectory Directory { get; }

    public string LedgerPath => Directory.Path;

    public string Origin => Directory.Config.Origin;

    public DecisionPreparer Preparer { get; }

    /// <summary>Opens the store and starts the recorder, as a sequencer does on winning the election.</summary>
    public async Task<SequencerLedger> OpenAsync(CancellationToken cancellationToken = default)
    {
        var store = new SqliteLedgerStore(Directory.DatabasePath);
        await store.OpenAsync(cancellationToken);
        DecisionRecorder recorder = await DecisionRecorder.StartAsync(
            store,
            Directory.Signer,
            Directory.CreateFingerprinter(),
            new LedgerOptions { Origin = Origin },
            cancellationToken: cancellationToken,
            redactor: Directory.CreateRedactor());
        return new SequencerLedger(recorder, store, store);
    }

    /// <summary>Every request id in the ledger, in seq order, after a full verification that must pass.</summary>
    public async Task<List<string>> VerifiedRequestIdsAsync()
    {
        await using var store = new SqliteLedgerStore(Directory.DatabasePath);
        await store.OpenAsync();
        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, NoteVerifier.Parse(Directory.VerifierKey), Origin);
        Assert.True(report.Passed, $"verify failed: {report.FirstFinding}");
        var ids = new List<string>();
        long expected = 0;
        await foreach (StoredEntry entry in store.ReadEntriesAsync(0, await store.GetSizeAsync()))
        {
            Assert.Equal(expected++, entry.Seq);
            ids.Add(entry.Columns.RequestId);
        }

        return ids;
    }

    /// <summary>How many entries the ledger holds now, read without disturbing the writer.</summary>
    public async Task<long> SizeAsync()
    {
        if (!File.Exists(Directory.DatabasePath))
        {
            // The sequencer creates the database when it first leads.
            return 0;
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Directory.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM entries;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
