namespace DecisionLedger.Cli.Import;

/// <summary>Thrown while one record is read, to refuse it with the field at fault; the reader turns it into an <see cref="ImportProblem"/>.</summary>
internal sealed class ImportFieldException(string field, string reason) : Exception($"{field}: {reason}")
{
    /// <summary>The field at fault.</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}
