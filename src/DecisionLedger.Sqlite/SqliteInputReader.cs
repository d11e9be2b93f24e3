using System.Runtime.CompilerServices;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Reads the stored inputs (salt and input, possibly encrypted) of a <see cref="SqliteLedgerStore"/>.</summary>
internal sealed class SqliteInputReader(SqliteConnections db)
{
    private readonly SqliteConnections _db = db;

    public ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<StoredInput?>(_db.Read($"read the input of entry {seq}", connection =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT seq, salt, input FROM inputs WHERE seq = @seq;";
            command.Parameters.AddWithValue("@seq", seq);
            using SqliteDataReader reader = command.ExecuteReader();
            return reader.Read() ? ReadInput(reader) : null;
        }));
    }

    public async IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string Action = "read inputs";
        using SqliteConnection connection = _db.OpenReadConnection(Action);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT seq, salt, input FROM inputs WHERE seq >= @from AND seq < @to ORDER BY seq;";
        command.Parameters.AddWithValue("@from", fromSeq);
        command.Parameters.AddWithValue("@to", toSeq);
        using SqliteDataReader reader = _db.ExecuteReader(command, Action);
        while (await _db.ReadRowAsync(reader, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return ReadInput(reader);
        }
    }

    public static StoredInput ReadInput(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.IsDBNull(1) ? [] : reader.GetFieldValue<byte[]>(1),
        reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2));
}
