using DecisionLedger.Entries;
using DecisionLedger.Decisions;

namespace DecisionLedger.Redaction;

/// <summary>The outcome of <see cref="IRedactor.Redact"/>.</summary>
/// <param name="Redacted">The decision to hash and store: the original object when nothing applied, otherwise a new one.</param>
/// <param name="Applied">Each redaction applied (path, rule, operator; never the value), in document order.</param>
public sealed record RedactionResult(Decision Redacted, IReadOnlyList<AppliedRedaction> Applied);
