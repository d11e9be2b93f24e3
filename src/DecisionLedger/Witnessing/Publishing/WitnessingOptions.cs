namespace DecisionLedger.Witnessing.Publishing;

/// <summary>
/// Where a ledger gets its checkpoints cosigned: a C2SP tlog-policy file naming the witnesses by
/// verifier key and the quorum, where each witness is reached, and how often to retry. Bindable
/// from configuration (<c>DecisionLedger:Witnessing</c>) and set by <c>dledger serve</c>/<c>sequence</c>
/// options; witnessing is off while <see cref="PolicyPath"/> is null.
/// </summary>
public sealed class WitnessingOptions
{
    /// <summary>The witness policy file (c2sp.org/tlog-policy: <c>witness NAME VKEY [URL]</c>, <c>group</c>, <c>quorum</c>). Null: witnessing is off.</summary>
    public string? PolicyPath { get; set; }

    /// <summary>
    /// Submission URLs by witness name (the policy's NAME), for witnesses whose <c>witness</c> line
    /// gives none, or to override it. The ledger POSTs to <c>URL/add-checkpoint</c>.
    /// </summary>
    public IDictionary<string, string> Witnesses { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How often the publisher looks for a newly signed checkpoint. Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait before the first retry of a witness that failed; it doubles per failure up to <see cref="RetryMaxDelay"/>. Default 1 second.</summary>
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries of a failing witness. Default 5 minutes.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one <c>add-checkpoint</c> request may take. Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether witnessing is configured (a policy path is set).</summary>
    public bool Enabled => PolicyPath is not null;

    /// <summary>Reads the policy file and checks every field, resolving each witness's submission URL.</summary>
    /// <param name="fieldPrefix">How messages name the fields, e.g. <c>Witnessing.</c> (hosting) or empty (the CLI maps the names to its flags).</param>
    /// <returns>The checked configuration.</returns>
    /// <exception cref="ArgumentException">A field is missing, out of range, or names an unknown witness; or the policy file cannot be read or parsed. The message names the field and the reason.</exception>
    public WitnessingConfiguration Resolve(string fieldPrefix = "Witnessing.")
    {
        ArgumentNullException.ThrowIfNull(fieldPrefix);
        string policyField = fieldPrefix + nameof(PolicyPath);
        if (string.IsNullOrWhiteSpace(PolicyPath))
        {
            throw new ArgumentException($"{policyField}: required to witness checkpoints; name a tlog-policy file.", nameof(PolicyPath));
        }

        CheckDuration(PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), fieldPrefix + nameof(PollInterval));
        CheckDuration(RetryMinDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1), fieldPrefix + nameof(RetryMinDelay));
        CheckDuration(RetryMaxDelay, RetryMinDelay, TimeSpan.FromDays(1), fieldPrefix + nameof(RetryMaxDelay));
        CheckDuration(RequestTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), fieldPrefix + nameof(RequestTimeout));

        WitnessPolicy policy;
        try
        {
            policy = WitnessPolicy.Parse(File.ReadAllText(PolicyPath));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{policyField}: cannot read '{PolicyPath}': {exception.Message}", nameof(PolicyPath), exception);
        }
        catch (FormatException exception)
        {
            throw new ArgumentException($"{policyField}: '{PolicyPath}' {exception.Message}", nameof(PolicyPath), exception);
        }

        if (policy.Witnesses.Count == 0)
        {
            throw new ArgumentException($"{policyField}: '{PolicyPath}' names no witness; add 'witness NAME VKEY URL' lines and a quorum.", nameof(PolicyPath));
        }

        string witnessesField = fieldPrefix + nameof(Witnesses);
        foreach (string name in Witnesses.Keys)
        {
            if (!policy.Witnesses.Any(w => string.Equals(w.Name, name, StringComparison.Ordinal)))
            {
                throw new ArgumentException(
                    $"{witnessesField}: '{name}' is not a witness of '{PolicyPath}' (it names {string.Join(", ", policy.Witnesses.Select(w => w.Name))}).", nameof(Witnesses));
            }
        }

        var endpoints = new List<WitnessEndpoint>();
        foreach (PolicyWitness witness in policy.Witnesses)
        {
            Uri? url = witness.Url;
            if (Witnesses.TryGetValue(witness.Name, out string? configured))
            {
                if (!Uri.TryCreate(configured, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    throw new ArgumentException($"{witnessesField}: '{witness.Name}={configured}' is not an absolute http(s) URL; pass e.g. https://witness.example/.", nameof(Witnesses));
                }
            }

            if (url is null)
            {
                throw new ArgumentException(
                    $"{witnessesField}: witness '{witness.Name}' of '{PolicyPath}' has no submission URL; add it to its witness line (witness {witness.Name} VKEY URL) or configure {witness.Name}=URL.", nameof(Witnesses));
            }

            endpoints.Add(new WitnessEndpoint(witness, url));
        }

        return new WitnessingConfiguration(policy, endpoints, PollInterval, RetryMinDelay, RetryMaxDelay, RequestTimeout);
    }

    private static void CheckDuration(TimeSpan value, TimeSpan least, TimeSpan most, string field)
    {
        if (value < least || value > most)
        {
            throw new ArgumentException($"{field}: {value} is out of range; use {least} to {most}.", field);
        }
    }
}
