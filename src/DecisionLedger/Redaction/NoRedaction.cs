using DecisionLedger.Decisions;

namespace DecisionLedger.Redaction;

/// <summary>The explicit opt-out of redaction: returns every decision unchanged. Use only where no personal data can reach the ledger.</summary>
public sealed class NoRedaction : IRedactor
{
    private NoRedaction()
    {
    }

    /// <summary>The single instance.</summary>
    public static NoRedaction Instance { get; } = new();

    /// <inheritdoc/>
    public RedactionResult Redact(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new RedactionResult(decision, []);
    }
}
