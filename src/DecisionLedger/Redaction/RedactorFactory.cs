using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Redaction;

/// <summary>Builds the ledger's <see cref="IRedactor"/> from <see cref="RedactionOptions"/> (resolution order in its remarks).</summary>
internal static partial class RedactorFactory
{
    /// <summary>Creates the redactor that <paramref name="options"/> describe.</summary>
    /// <param name="options">The options.</param>
    /// <param name="redactionKey">The ledger's redaction key (at least <see cref="PolicyRedactor.MinimumKeyLength"/> bytes).</param>
    /// <param name="logger">Where the opt-out is logged; default none.</param>
    /// <returns>A <see cref="PolicyRedactor"/>, or <see cref="NoRedaction.Instance"/> for the explicit opt-out.</returns>
    /// <exception cref="ArgumentException">An option is invalid or the key is too short.</exception>
    /// <exception cref="RedactionPolicyException">The policy (or its file) is invalid.</exception>
    public static IRedactor Create(RedactionOptions options, ReadOnlySpan<byte> redactionKey, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;
        RedactionPolicy? policy = options.Policy ?? (options.PolicyFile is { } file ? RedactionPolicyLoader.Load(file) : null);
        if (options.DisableDefaultDetectors)
        {
            if (policy is null)
            {
                LogRedactionDisabled(logger);
                return NoRedaction.Instance;
            }

            LogDefaultDetectorsDisabled(logger);

            // The opt-out turns "not stated" into "none"; detectors a profile lists stay on.
            policy = policy with { Default = policy.Default with { Detectors = policy.Default.Detectors ?? [] } };
        }

        return new PolicyRedactor(policy ?? RedactionPolicy.PrivacyByDefault, redactionKey, options.RegexTimeout);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Redaction is disabled (RedactionOptions.DisableDefaultDetectors with no policy): decisions are hashed and stored with any personal data they contain.")]
    private static partial void LogRedactionDisabled(ILogger logger);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Built-in PII detectors are disabled (RedactionOptions.DisableDefaultDetectors): only detectors and rules the policy lists run.")]
    private static partial void LogDefaultDetectorsDisabled(ILogger logger);
}
