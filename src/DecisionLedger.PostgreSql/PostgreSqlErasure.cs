using DecisionLedger.Erasure;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// Erasure in PostgreSQL: deletes stored inputs, clears the erased entries' input fingerprints and
/// forgets the catalog paths only the erased inputs held, in one transaction. The fingerprints and
/// catalog rows are changed by <c>erase_input_traces</c>, a SECURITY DEFINER function (migration 5),
/// because the application role may not UPDATE entries nor DELETE from the catalog.
/// </summary>
internal static class PostgreSqlErasure
{
    // Remaining inputs are read in pages: disposing a reader part-way would still pull every row.
    private const int ScanPageSize = 500;

    /// <summary>Erases the inputs of <paramref name="seqs"/> and their traces; returns how many input rows were deleted and the catalog pairs forgotten.</summary>
    public static async Task<(int Deleted, List<(string Model, string Path)> Forgotten)> EraseInputsAsync(NpgsqlConnection connection, string schema, long[] seqs, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var paths = new ErasedFieldPaths();
        var collect = new NpgsqlCommand(
            $"SELECT COALESCE(e.model, ''), i.input FROM {schema}.inputs i JOIN {schema}.entries e ON e.seq = i.seq WHERE i.seq = ANY(@seqs) AND i.input IS NOT NULL;",
            connection,
            transaction);
        await using (collect.ConfigureAwait(false))
        {
            collect.Parameters.Add(Seqs(seqs));
            NpgsqlDataReader reader = await collect.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    paths.AddErased(reader.GetString(0), reader.GetFieldValue<byte[]>(1));
                }
            }
        }

        int deleted;
        var delete = new NpgsqlCommand($"DELETE FROM {schema}.inputs WHERE seq = ANY(@seqs);", connection, transaction);
        await using (delete.ConfigureAwait(false))
        {
            delete.Parameters.Add(Seqs(seqs));
            deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (string model in paths.PendingModels.ToList())
        {
            await ScanRemainingAsync(connection, transaction, schema, model, paths, cancellationToken).ConfigureAwait(false);
        }

        List<(string Model, string Path)> orphaned = paths.Orphaned();
        var erase = new NpgsqlCommand($"SELECT {schema}.erase_input_traces(@seqs, @models, @paths);", connection, transaction);
        await using (erase.ConfigureAwait(false))
        {
            erase.Parameters.Add(Seqs(seqs));
            erase.Parameters.Add(new NpgsqlParameter<string[]>("models", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. orphaned.Select(p => p.Model)] });
            erase.Parameters.Add(new NpgsqlParameter<string[]>("paths", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. orphaned.Select(p => p.Path)] });
            await erase.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (deleted, orphaned);
    }

    // Newest first: the inputs a model is recorded with now are the likeliest to share the erased
    // inputs' shape, so the scan usually settles on its first page.
    private static async Task ScanRemainingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string model, ErasedFieldPaths paths, CancellationToken cancellationToken)
    {
        long before = long.MaxValue;
        var page = new NpgsqlCommand(
            $"SELECT i.seq, i.input FROM {schema}.inputs i JOIN {schema}.entries e ON e.seq = i.seq " +
            $"WHERE COALESCE(e.model, '') = @model AND i.seq < @before AND i.input IS NOT NULL ORDER BY i.seq DESC LIMIT {ScanPageSize};",
            connection,
            transaction);
        await using var pageScope = page.ConfigureAwait(false);
        page.Parameters.Add(new NpgsqlParameter<string>("model", NpgsqlDbType.Text) { TypedValue = model });
        var beforeParameter = new NpgsqlParameter<long>("before", NpgsqlDbType.Bigint);
        page.Parameters.Add(beforeParameter);
        while (!paths.IsSettled(model))
        {
            beforeParameter.TypedValue = before;
            int rows = 0;
            NpgsqlDataReader reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows++;
                    before = reader.GetInt64(0);
                    paths.SeenRemaining(model, reader.GetFieldValue<byte[]>(1));
                }
            }

            if (rows < ScanPageSize)
            {
                return;
            }
        }
    }

    private static NpgsqlParameter<long[]> Seqs(long[] seqs) =>
        new("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seqs };
}
