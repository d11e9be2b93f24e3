namespace DecisionLedger.Cli.Import;

/// <summary>
/// Which column of an audit table holds which field. The defaults are the common shape
/// (<c>request_id, timestamp, model_name, model_version, input_data, output_data, user_id, latency_ms, metadata</c>);
/// <c>--column FIELD=COLUMN</c> renames any of them. The last three are optional: a table without them imports.
/// </summary>
internal sealed class AuditTableColumns
{
    /// <summary>Every field, in the order they are selected.</summary>
    public static readonly string[] Fields = ["request_id", "timestamp", "model_name", "model_version", "input_data", "output_data", "user_id", "latency_ms", "metadata"];

    /// <summary>The fields a table may lack.</summary>
    public static readonly string[] Optional = ["user_id", "latency_ms", "metadata"];

    private readonly Dictionary<string, string> _columns;

    private AuditTableColumns(Dictionary<string, string> columns) => _columns = columns;

    /// <summary>The column of <paramref name="field"/>.</summary>
    public string this[string field] => _columns[field];

    /// <summary>Reads <c>--column FIELD=COLUMN</c> values over the defaults.</summary>
    /// <exception cref="CliException">An unknown field, a malformed pair or a column name that is not an identifier (exit 2).</exception>
    public static AuditTableColumns Parse(IEnumerable<string> mappings)
    {
        var columns = Fields.ToDictionary(field => field, field => field, StringComparer.Ordinal);
        foreach (string mapping in mappings)
        {
            int equals = mapping.IndexOf('=', StringComparison.Ordinal);
            string field = equals > 0 ? mapping[..equals].Trim() : string.Empty;
            string column = equals > 0 ? mapping[(equals + 1)..].Trim() : string.Empty;
            if (field.Length == 0 || column.Length == 0)
            {
                throw new CliException(ExitCodes.BadInput, $"--column: '{mapping}' is not FIELD=COLUMN; e.g. --column request_id=req_id.");
            }

            if (!columns.ContainsKey(field))
            {
                throw new CliException(ExitCodes.BadInput, $"--column: '{field}' is not a field; the fields are {string.Join(", ", Fields)}.");
            }

            columns[field] = SqlIdentifier.Require(column, "--column " + field);
        }

        return new AuditTableColumns(columns);
    }
}
