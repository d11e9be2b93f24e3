using Microsoft.Extensions.Options;

namespace DecisionLedger.Hosting;

/// <summary>Checks <see cref="DecisionLedgerOptions"/> at start (ValidateOnStart), naming the field and the fix.</summary>
internal sealed class DecisionLedgerOptionsValidator : IValidateOptions<DecisionLedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, DecisionLedgerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.LedgerPath))
        {
            return ValidateOptionsResult.Fail("DecisionLedgerOptions.LedgerPath: required; call AddDecisionLedger(...).UseSqlite(\"path/to/ledger\") (package DecisionLedger.Sqlite) or another store's Use… method.");
        }

        if (string.IsNullOrWhiteSpace(options.Origin) || options.Origin.Any(char.IsControl) || options.Origin.Contains(' ', StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Fail($"DecisionLedgerOptions.Origin: '{options.Origin}' is not a valid origin; use a non-empty name without spaces, such as 'decisionledger.example/fraud'.");
        }

        if (options.SamplingReportInterval <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"DecisionLedgerOptions.SamplingReportInterval: must be positive; got {options.SamplingReportInterval}.");
        }

        try
        {
            options.Timestamping.Validate("DecisionLedgerOptions.Timestamping");
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }

        try
        {
            options.Recorder.Validate();
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"DecisionLedgerOptions.Recorder: {ex.Message}");
        }

        if (options.Witnessing.Enabled)
        {
            try
            {
                options.Witnessing.Resolve("DecisionLedgerOptions.Witnessing.");
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }

        return ValidateOptionsResult.Success;
    }
}
