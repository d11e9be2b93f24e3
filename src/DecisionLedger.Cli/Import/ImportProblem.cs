namespace DecisionLedger.Cli.Import;

/// <summary>Why one record of an import source was refused.</summary>
/// <param name="Location">Where the record is: <c>line 7</c>, <c>row 3 (request_id 'r-3')</c>.</param>
/// <param name="Field">The field at fault, in the source's own terms (<c>captureData.endpointInput.encoding</c>, <c>ce-type</c>, <c>input_data</c>) or the decision path.</param>
/// <param name="Reason">What is wrong with it.</param>
internal sealed record ImportProblem(string Location, string Field, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Field}: {Reason}";
}
