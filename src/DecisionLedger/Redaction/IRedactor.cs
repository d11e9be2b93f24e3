using DecisionLedger.Decisions;

namespace DecisionLedger.Redaction;

/// <summary>Removes personal data from a decision before it is hashed or stored. Implementations are thread-safe.</summary>
public interface IRedactor
{
    /// <summary>Redacts <paramref name="decision"/>.</summary>
    /// <param name="decision">The decision as submitted; never modified.</param>
    /// <returns>The redacted decision and what was applied (paths and rules, never values). When nothing applies, the original object and an empty list.</returns>
    /// <exception cref="RedactionException">A rule failed (e.g. a pattern timed out); the decision must not be recorded.</exception>
    RedactionResult Redact(Decision decision);
}
