namespace DecisionLedger.Redaction;

/// <summary>The names operators have in policy files and in <see cref="Entries.AppliedRedaction.Operator"/>.</summary>
internal static class OperatorNames
{
    public static string Of(RedactionOperator op) => op switch
    {
        RedactionOperator.Tag => "tag",
        RedactionOperator.Mask => "mask",
        RedactionOperator.Hash => "hash",
        RedactionOperator.Drop => "drop",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown operator"),
    };

    public static bool TryParse(string name, out RedactionOperator op)
    {
        switch (name)
        {
            case "tag": op = RedactionOperator.Tag; return true;
            case "mask": op = RedactionOperator.Mask; return true;
            case "hash": op = RedactionOperator.Hash; return true;
            case "drop": op = RedactionOperator.Drop; return true;
            default: op = default; return false;
        }
    }
}
