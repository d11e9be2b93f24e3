using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The binary COPY statements of an append: a batch's request ids, entries and inputs, each in
/// one COPY on the writer's connection inside its transaction (see <see cref="PostgreSqlWriter"/>).
/// </summary>
internal sealed class PostgreSqlBatchCopy(NpgsqlConnection connection, string schema)
{
    private readonly NpgsqlConnection _connection = connection;
    private readonly string _schema = schema;
    private readonly PostgreSqlCopyRows _rows = new();

    /// <summary>Copies the batch's rows of <c>request_ids</c> (the table that keeps request ids unique across partitions).</summary>
    public Task CopyRequestIdsAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken) =>
        _rows.CopyAsync(_connection, $"COPY {_schema}.request_ids (request_id, seq, ts) FROM STDIN (FORMAT BINARY)", entries, static (row, entry) =>
        {
            row.StartRow(3);
            row.WriteText(entry.Columns.RequestId, "request_id");
            row.WriteInt64(entry.Seq);
            row.WriteTimestamp(entry.Columns.Timestamp);
        }, cancellationToken);

    /// <summary>Copies the batch's entries with their searchable columns.</summary>
    public Task CopyEntriesAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken) =>
        _rows.CopyAsync(_connection, $"COPY {_schema}.entries ({PostgreSqlSchema.EntryColumns}) FROM STDIN (FORMAT BINARY)", entries, static (row, entry) =>
        {
            EntryColumns columns = entry.Columns;
            row.StartRow(12);
            row.WriteInt64(entry.Seq);
            row.WriteText(columns.RequestId, "request_id");
            row.WriteTimestamp(columns.Timestamp);
            row.WriteText(columns.ModelName, "model");
            row.WriteText(columns.ModelVersion, "version");
            row.WriteText(columns.UserId, "user_id");
            row.WriteText(columns.Tenant, "tenant");
            row.WriteText(columns.SubjectId, "subject_id");
            row.WriteText(columns.InputFingerprint, "fingerprint");
            row.WriteText(columns.Kind, "kind");
            Span<byte> leafHash = stackalloc byte[Sha256Hash.Size];
            entry.LeafHash.CopyTo(leafHash);
            row.WriteBytes(leafHash);
            row.WriteBytes(entry.CanonicalBytes);
        }, cancellationToken);

    /// <summary>Copies the batch's stored inputs.</summary>
    public Task CopyInputsAsync(IReadOnlyList<StoredInput> inputs, CancellationToken cancellationToken) =>
        _rows.CopyAsync(_connection, $"COPY {_schema}.inputs (seq, salt, input) FROM STDIN (FORMAT BINARY)", inputs, static (row, input) =>
        {
            row.StartRow(3);
            row.WriteInt64(input.Seq);
            row.WriteBytesOrNull(input.Salt);
            row.WriteBytesOrNull(input.Input);
        }, cancellationToken);
}
