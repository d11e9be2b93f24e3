namespace DecisionLedger.Redaction;

/// <summary>What a redaction rule does to the value (or, for a detector, the matched text) it selects.</summary>
public enum RedactionOperator
{
    /// <summary>Replace with a tag such as <c>[EMAIL]</c>. The default.</summary>
    Tag,

    /// <summary>Replace every character but the last <see cref="RedactionRule.Keep"/> with <c>*</c>.</summary>
    Mask,

    /// <summary>
    /// Replace with <c>hmac:</c> and the first 16 bytes (32 lowercase hex digits) of HMAC-SHA256 under
    /// the ledger's redaction key, so equal values stay joinable without being readable.
    /// </summary>
    Hash,

    /// <summary>Remove: a selected property or array element disappears; detected text is cut out of its string.</summary>
    Drop,
}
