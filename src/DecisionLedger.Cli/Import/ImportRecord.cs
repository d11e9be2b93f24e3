using System.Text.Json.Nodes;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// One record an import source yielded: a decision to record (without <c>metadata.importedFrom</c>, which
/// the run adds), a record refused with the field at fault, or a copy the source itself knows is a duplicate.
/// </summary>
/// <param name="Location">Where the record is in the source, for messages: <c>line 7</c>, <c>row 3 (request_id 'r-3')</c>, <c>lines 4 and 9</c>.</param>
internal sealed record ImportRecord(string Location)
{
    /// <summary>The decision as the ledger's input JSON; null for a refused or duplicate record.</summary>
    public JsonObject? Decision { get; init; }

    /// <summary>The source's own ids and times, written under <c>metadata.importedFrom</c>.</summary>
    public JsonObject? Origin { get; init; }

    /// <summary>Why the record is refused; null when it is not.</summary>
    public ImportProblem? Problem { get; init; }

    /// <summary>True when the source holds this record again (a redelivered CloudEvent half).</summary>
    public bool IsDuplicate { get; init; }

    /// <summary>True for a KServe decision built from one half alone.</summary>
    public bool IsUnpaired { get; init; }

    /// <summary>A refused record.</summary>
    public static ImportRecord Bad(string location, string field, string reason) => new(location) { Problem = new ImportProblem(location, field, reason) };
}
