namespace DecisionLedger.Redaction;

/// <summary>How a ledger redacts decisions; bind from configuration or set in code. Every default is stated here and in code.</summary>
/// <remarks>
/// Resolution (see <see cref="RedactorFactory"/>): <see cref="Policy"/> if set, else the file at
/// <see cref="PolicyFile"/> if set, else <see cref="RedactionPolicy.PrivacyByDefault"/> unless
/// <see cref="DisableDefaultDetectors"/> is <see langword="true"/>, in which case nothing is redacted.
/// </remarks>
public sealed class RedactionOptions
{
    /// <summary>A policy file (JSON, see <see cref="RedactionPolicy"/>). Default <see langword="null"/>.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>A policy built in code; wins over <see cref="PolicyFile"/>. Default <see langword="null"/>.</summary>
    public RedactionPolicy? Policy { get; set; }

    /// <summary>
    /// The explicit opt-out of privacy by default. Default <see langword="false"/>. When <see langword="true"/>, a
    /// ledger without a policy redacts nothing, and a policy's profiles that do not list detectors run none; the
    /// choice is logged as a warning.
    /// </summary>
    public bool DisableDefaultDetectors { get; set; }

    /// <summary>The match timeout of every custom pattern. Default 100 ms; must be positive and at most 10 s.</summary>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (RegexTimeout <= TimeSpan.Zero || RegexTimeout > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException($"RedactionOptions.RegexTimeout: must be positive and at most 10 s; got {RegexTimeout}.");
        }

        if (PolicyFile is not null && string.IsNullOrWhiteSpace(PolicyFile))
        {
            throw new ArgumentException("RedactionOptions.PolicyFile: must not be blank; set a path or leave it null.");
        }
    }
}
