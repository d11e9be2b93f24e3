using System.Text.Json;
using DuckDB.NET.Data;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// Lets through one read-only statement: DuckDB's own parser (<c>json_serialize_sql</c>) must read it as
/// exactly one SELECT (which includes <c>WITH</c>, <c>FROM</c>-first, <c>DESCRIBE</c> and <c>SUMMARIZE</c>);
/// COPY, CREATE, INSERT, ATTACH, SET, INSTALL and every other statement are refused before they run.
/// The sandbox of <see cref="ArchiveDatabase"/> still holds if something slipped through.
/// </summary>
internal static class ArchiveSqlGuard
{
    /// <summary>Checks <paramref name="sql"/>.</summary>
    /// <exception cref="CliException">Not exactly one SELECT (exit 2), with DuckDB's reason.</exception>
    public static void RequireSingleSelect(ArchiveDatabase database, string sql)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new CliException(ExitCodes.BadInput, "archive sql: no statement given; pass one SELECT, e.g. dledger archive sql \"SELECT model, count(*) FROM decisions GROUP BY model\".");
        }

        using DuckDBCommand command = database.CreateCommand();
        // json_serialize_sql takes a constant only, so the text goes in as a standard SQL string literal
        // (quotes doubled; DuckDB reads no backslash escapes in one).
        command.CommandText = "SELECT json_serialize_sql('" + sql.Replace("'", "''", StringComparison.Ordinal) + "')";
        string serialized = (string)command.ExecuteScalar()!;
        using JsonDocument parsed = JsonDocument.Parse(serialized);
        JsonElement root = parsed.RootElement;
        if (root.GetProperty("error").GetBoolean())
        {
            string reason = root.TryGetProperty("error_message", out JsonElement message) ? message.GetString() ?? "" : "";
            bool notSelect = reason.Contains("Only SELECT", StringComparison.Ordinal);
            throw new CliException(ExitCodes.BadInput, notSelect
                ? "archive sql: only a SELECT runs here: the archive is read-only (COPY, CREATE, INSERT, UPDATE, DELETE, ATTACH, SET, INSTALL and LOAD are refused)."
                : $"archive sql: the statement does not parse: {reason}");
        }

        int statements = root.GetProperty("statements").GetArrayLength();
        if (statements != 1)
        {
            throw new CliException(ExitCodes.BadInput, $"archive sql: {statements} statements given; pass exactly one SELECT.");
        }
    }
}
