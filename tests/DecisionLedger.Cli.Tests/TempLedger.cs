namespace DecisionLedger.Cli.Tests;

/// <summary>A temporary directory for one test's ledger, removed afterwards.</summary>
internal sealed class TempLedger : IDisposable
{
    public TempLedger()
    {
        Root = Path.Combine(Path.GetTempPath(), "dledger-cli-" + Path.GetRandomFileName());
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Ledger => Path.Combine(Root, "ledger");

    public string Database => Path.Combine(Ledger, "ledger.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
