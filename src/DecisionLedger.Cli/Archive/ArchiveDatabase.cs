using System.Globalization;
using DecisionLedger.Archiving;
using DuckDB.NET.Data;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// An in-memory DuckDB over one archive's local files, with the views analysts and
/// <c>query --include-archive</c> read: <c>decisions</c> (one row per archived decision), <c>manifests</c>
/// (one row per signed manifest) and <c>archive_rows</c> (the Parquet columns as stored). The files
/// are read where they lie, with no import; DuckDB may read nothing outside the archive's directory,
/// loads no extension, and its configuration is locked before any caller SQL runs.
/// </summary>
internal sealed class ArchiveDatabase : IDisposable
{
    private readonly DuckDBConnection _connection;

    private ArchiveDatabase(DuckDBConnection connection) => _connection = connection;

    /// <summary>Opens DuckDB over <paramref name="files"/> and creates the views.</summary>
    /// <param name="files">The archive's files, local.</param>
    public static ArchiveDatabase Open(ArchiveFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var connection = new DuckDBConnection("Data Source=:memory:");
        try
        {
            connection.Open();
            string root = files.Root.TrimEnd(Path.DirectorySeparatorChar);
            string relative = (root.Length + 2).ToString(CultureInfo.InvariantCulture);
            Execute(connection, files.ParquetFiles > 0
                ? $"CREATE VIEW archive_rows AS SELECT seq, request_id, \"timestamp\", model, version, subject, entry, input, salt, substr(filename, {relative}) AS file FROM read_parquet({Literal(root + "/**/*" + ArchivePaths.FileExtension)}, filename = true)"
                : "CREATE VIEW archive_rows AS SELECT NULL::BIGINT AS seq, NULL::VARCHAR AS request_id, NULL::BIGINT AS \"timestamp\", NULL::VARCHAR AS model, NULL::VARCHAR AS version, NULL::VARCHAR AS subject, NULL::BLOB AS entry, NULL::BLOB AS input, NULL::BLOB AS salt, NULL::VARCHAR AS file WHERE false");
            Execute(connection, DecisionsView);
            Execute(connection, files.Manifests > 0
                ? $"CREATE VIEW manifest_texts AS SELECT substr(filename, {relative}) AS manifest_file, content FROM read_text({Literal(root + "/**/*" + ArchivePaths.ManifestSuffix)})"
                : "CREATE VIEW manifest_texts AS SELECT NULL::VARCHAR AS manifest_file, NULL::VARCHAR AS content WHERE false");
            Execute(connection, ManifestsView);

            // The sandbox: only the archive's directory is readable, nothing is fetched or written
            // outside it, and caller SQL cannot undo these settings.
            Execute(connection, "SET autoinstall_known_extensions = false");
            Execute(connection, "SET autoload_known_extensions = false");
            Execute(connection, $"SET allowed_directories = [{Literal(root + "/")}]");
            Execute(connection, "SET enable_external_access = false");
            Execute(connection, "SET lock_configuration = true");
            return new ArchiveDatabase(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A new command on the connection.</summary>
    public DuckDBCommand CreateCommand() => _connection.CreateCommand();

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    // Entries are canonical JSON in UTF-8: decode() reads them as text for DuckDB's JSON functions.
    private const string DecisionsView = """
        CREATE VIEW decisions AS SELECT
            seq,
            request_id,
            make_timestamp("timestamp") AS "timestamp",
            model,
            version,
            subject,
            json_extract_string(decode(entry), '$.actor.userId') AS user_id,
            json_extract_string(decode(entry), '$.actor.tenant') AS tenant,
            CAST(decode(entry) AS JSON) AS entry,
            json_extract(decode(entry), '$.output') AS output,
            CASE WHEN input[1:1] = '\x7B'::BLOB THEN CAST(decode(input) AS JSON) END AS input,
            input AS input_bytes,
            salt,
            entry AS entry_bytes,
            file
        FROM archive_rows
        """;

    // A manifest is a signed note whose first line is the manifest's canonical JSON.
    private const string ManifestsView = """
        CREATE VIEW manifests AS SELECT
            m->>'file' AS file,
            m->>'model' AS model,
            m->>'month' AS month,
            CAST(m->>'firstSeq' AS BIGINT) AS first_seq,
            CAST(m->>'lastSeq' AS BIGINT) AS last_seq,
            CAST(m->>'rows' AS BIGINT) AS row_count,
            m->>'sha256' AS sha256,
            m->>'leavesRoot' AS leaves_root,
            CAST(m->'checkpoint'->>'size' AS BIGINT) AS checkpoint_size,
            m->'checkpoint'->>'root' AS checkpoint_root,
            m->>'format' AS format,
            manifest_file,
            content AS signed_note
        FROM (SELECT manifest_file, content, CAST(split_part(content, chr(10), 1) AS JSON) AS m FROM manifest_texts)
        """;

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
