using System.Globalization;
using System.Text;
using DecisionLedger.Archiving;
using DecisionLedger.Decisions;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite.Tests.Recording;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests.Archiving;

/// <summary>A real SQLite ledger with decisions of two models over two months, an archive directory, and a way to run the archiver.</summary>
internal sealed class ArchiveFixture : IDisposable
{
    private readonly RecorderFixture _ledger = new();
    private readonly TempDirectory _archive = new();

    public RecorderFixture Ledger => _ledger;

    public string ArchivePath => _archive.Path;

    public DirectoryArchiveDestination Destination => new(_archive.Path);

    /// <summary>Records <paramref name="count"/> decisions (models alternate fraud/credit; the first half in January 2026, the rest in February) and closes the recorder, which signs a checkpoint over them.</summary>
    public async Task SeedAsync(int count, int inputBytes = 16)
    {
        await using SqliteLedgerStore store = _ledger.OpenStore();
        DecisionRecorder recorder = await _ledger.StartAsync(store);
        await using (recorder)
        {
            for (int i = 0; i < count; i++)
            {
                await recorder.RecordAsync(Decision(i, count, inputBytes));
            }
        }
    }

    public async Task<ArchiveRunResult?> ArchiveAsync(IArchiveDestination? destination = null)
    {
        await using SqliteLedgerStore store = _ledger.OpenStore();
        DecisionRecorder recorder = await _ledger.StartAsync(store);
        await using (recorder)
        {
            var archiver = new LedgerArchiver(store, store, _ledger.Signer, recorder);
            return await archiver.RunAsync(destination ?? Destination, _ => true);
        }
    }

    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _ledger.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using SqliteConnection raw = OpenRaw();
        using SqliteCommand command = raw.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public static Decision Decision(int i, int count, int inputBytes)
    {
        string model = i % 2 == 0 ? "fraud" : "credit";
        DateTimeOffset at = (i < count / 2 ? new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(2026, 2, 10, 0, 0, 0, TimeSpan.Zero)).AddMinutes(i);
        string padding = new('x', inputBytes);
        string json =
            "{\"timestamp\":\"" + at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "\"," +
            "\"model\":{\"name\":\"" + model + "\",\"version\":\"1\"}," +
            $"\"input\":{{\"amount\":{i},\"note\":\"{padding}\"}}," +
            $"\"output\":{{\"label\":\"ok\",\"score\":0.{i % 10}}}," +
            $"\"subject\":{{\"id\":\"customer-{i % 5}\"}}}}";
        return DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(json));
    }

    public void Dispose()
    {
        _ledger.Dispose();
        _archive.Dispose();
    }
}
