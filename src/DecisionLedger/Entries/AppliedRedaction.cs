namespace DecisionLedger.Entries;

/// <summary>
/// Records that a redaction rule fired: where, which rule, and what it did. Never the
/// value that was redacted, so the ledger does not keep what redaction removed.
/// </summary>
/// <param name="Path">The JSON path of the redacted value in the input, e.g. <c>$.customer.email</c>.</param>
/// <param name="Rule">The name of the policy rule or detector that matched, e.g. <c>email</c>.</param>
/// <param name="Operator">The operator applied, e.g. <c>replace</c>, <c>mask</c>, <c>hash</c> or <c>drop</c>.</param>
public sealed record AppliedRedaction(string Path, string Rule, string Operator);
