namespace DecisionLedger.Witnessing.Publishing;

/// <summary>Checked witnessing settings (<see cref="WitnessingOptions.Resolve"/>): the policy, each witness's endpoint, and the timing.</summary>
/// <param name="Policy">The witness policy: keys and quorum.</param>
/// <param name="Endpoints">Every witness of the policy with its submission prefix, in policy order.</param>
/// <param name="PollInterval">How often to look for a new checkpoint.</param>
/// <param name="RetryMinDelay">The first retry delay of a failing witness.</param>
/// <param name="RetryMaxDelay">The longest retry delay.</param>
/// <param name="RequestTimeout">The timeout of one request.</param>
public sealed record WitnessingConfiguration(
    WitnessPolicy Policy,
    IReadOnlyList<WitnessEndpoint> Endpoints,
    TimeSpan PollInterval,
    TimeSpan RetryMinDelay,
    TimeSpan RetryMaxDelay,
    TimeSpan RequestTimeout);
