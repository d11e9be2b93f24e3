namespace DecisionLedger.Querying;

/// <summary>
/// A query the caller must fix: a malformed or unknown <c>--where</c>, a cursor from another query,
/// or a scan refused on a large ledger. The message names the parameter and the fix; the CLI maps
/// it to exit 2, the collector to 400 problem details.
/// </summary>
public class QueryException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="parameter">The parameter at fault as the caller spelled it (<c>--where</c>, <c>cursor</c>).</param>
    /// <param name="message">The whole sentence, starting with the parameter.</param>
    public QueryException(string parameter, string message)
        : base(message)
    {
        Parameter = parameter;
    }

    /// <summary>Creates the exception (serialization-free constructor kept for analyzers).</summary>
    public QueryException()
        : this("query", "The query is invalid.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The sentence.</param>
    public QueryException(string message)
        : this("query", message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The sentence.</param>
    /// <param name="innerException">The cause.</param>
    public QueryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Parameter = "query";
    }

    /// <summary>The parameter at fault, e.g. <c>--where</c> or <c>cursor</c>.</summary>
    public string Parameter { get; }
}
