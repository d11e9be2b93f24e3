using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests;

/// <summary>SQLite specifics of where predicates: the SQL text never holds caller text, and older ledgers get their field catalog.</summary>
public sealed class SqliteWhereTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("ledger.db");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("fraud'; DROP TABLE entries; --")]
    [InlineData("\" OR 1=1 --")]
    [InlineData("$.output.label")]
    public void Apply_ValueAndPath_AreBoundNeverSpliced(string value)
    {
        var filter = new EntryFilter
        {
            Where =
            [
                new FieldPredicate(FieldPath.Parse("output.label"), WhereOperator.Equal, WhereLiteral.FromString(value)),
                new FieldPredicate(FieldPath.Parse("input.amount"), WhereOperator.GreaterOrEqual, WhereLiteral.FromNumber("1000")),
                new FieldPredicate(FieldPath.Parse("metadata.endpoint"), WhereOperator.Contains, WhereLiteral.FromString(value)),
            ],
        };
        using var command = new SqliteCommand();

        EntryFilterSql.Apply(command, filter);

        Assert.DoesNotContain(value, command.CommandText, StringComparison.Ordinal);
        Assert.DoesNotContain("label", command.CommandText, StringComparison.Ordinal);
        Assert.DoesNotContain("1000", command.CommandText, StringComparison.Ordinal);
        Assert.Equal(value, command.Parameters["@wv0"].Value);
        Assert.Equal("$.\"output\".\"label\"", command.Parameters["@wp0"].Value);
        Assert.Equal(1000L, command.Parameters["@wv1"].Value);
        Assert.Equal("$.\"amount\"", command.Parameters["@wp1"].Value);
    }

    [Fact]
    public async Task OpenAsync_LedgerWrittenBeforeTheCatalog_BackfillsItFromEntriesAndInputs()
    {
        await using (var store = new SqliteLedgerStore(DatabasePath))
        {
            await store.OpenAsync();
            await store.AppendAsync(Some.Batch(Some.Entries(0, 5)));
        }

        using (SqliteConnection raw = OpenRaw())
        {
            Execute(raw, "DROP TABLE field_paths;");
        }

        await using (var readOnly = new SqliteLedgerStore(DatabasePath, new SqliteLedgerStoreOptions { ReadOnly = true }))
        {
            await readOnly.OpenAsync();
            Assert.Empty(await readOnly.GetFieldPathsAsync(null));
        }

        await using var reopened = new SqliteLedgerStore(DatabasePath);
        await reopened.OpenAsync();

        Assert.Equal(["input.amount", "input.merchant", "model.name", "model.version", "output.score"], await reopened.GetFieldPathsAsync("fraud_detector"));
    }

    [Fact]
    public async Task AppendAsync_RolledBackBatch_LeavesNoCatalogPaths()
    {
        await using var store = new SqliteLedgerStore(DatabasePath);
        await store.OpenAsync();
        await store.AppendAsync(Some.Batch(Some.Entries(0, 1)));
        StoredEntry duplicate = Some.Entry(1, requestId: Some.RequestIdOf(0), model: "other_model");

        await Assert.ThrowsAsync<LedgerStoreException>(async () => await store.AppendAsync(Some.Batch([duplicate])));

        Assert.Empty(await store.GetFieldPathsAsync("other_model"));
        await store.AppendAsync(Some.Batch([Some.Entry(1, model: "other_model")]));
        Assert.Contains("output.score", await store.GetFieldPathsAsync("other_model"));
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
