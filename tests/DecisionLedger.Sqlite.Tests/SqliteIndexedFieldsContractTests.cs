using DecisionLedger.Storage;
using DecisionLedger.Store.ContractTests;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>
/// The whole store contract again, on SQLite files whose where-paths are all indexed: every query
/// must return exactly what the unindexed store returns (the expected results are the contract's
/// own), and appends must work with the expression indexes in place, encrypted inputs included.
/// </summary>
public sealed class SqliteIndexedFieldsContractTests : LedgerStoreContract, IDisposable
{
    /// <summary>
    /// Every path the contract's where tests compare on but <c>output.label</c>: the contract's scan
    /// guard test expects a label predicate to be unindexed (an indexed one rightly passes the guard).
    /// </summary>
    public static readonly string[] IndexedPaths =
    [
        "output.score", "output.rank", "output.code", "output.flagged", "output.note",
        "latencyMs", "input.amount", "input.merchant.country", "explanation.attributions.amount",
        "metadata.endpoint", "model.pipelineVersion",
    ];

    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    protected override async Task<ILedgerStore> CreateStoreAsync()
    {
        // The indexes go in before any entry, so the contract's data is appended through them; the
        // catalog check of AddFieldIndexAsync would refuse paths no entry holds yet.
        await using (var schema = new SqliteLedgerStore(DatabasePath))
        {
            await schema.OpenAsync();
        }

        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString()))
        {
            connection.Open();
            foreach (string path in IndexedPaths)
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = FieldIndexSql.Create(FieldPath.Parse(path));
                command.ExecuteNonQuery();
            }
        }

        return new SqliteLedgerStore(DatabasePath);
    }

    protected override Task<ILedgerStore> ReopenStoreAsync() =>
        Task.FromResult<ILedgerStore>(new SqliteLedgerStore(DatabasePath));

    public void Dispose() => _directory.Dispose();
}
