namespace DecisionLedger.Entries;

/// <summary>
/// Records that a redaction rule fired: where, which rule, and what it did. Never the
/// value that was redacted, so the ledger does not keep what redaction removed.
/// </summary>
/// <param name="Path">Where in the decision, section first, e.g. <c>input.contact.email</c>, <c>input.items[2]</c> or <c>metadata.ip</c> (array indexes are those of the original).</param>
/// <param name="Rule">The name of the policy rule, or <c>detector:&lt;kind&gt;</c> for a built-in detector, e.g. <c>detector:email</c>.</param>
/// <param name="Operator">The operator applied: <c>tag</c>, <c>mask</c>, <c>hash</c> or <c>drop</c>.</param>
public sealed record AppliedRedaction(string Path, string Rule, string Operator);
