namespace DecisionLedger.Timestamping;

/// <summary>
/// Which RFC 3161 Time Stamp Authorities time-stamp the ledger's checkpoints, and how often the
/// background stamper looks for a new checkpoint and retries a failed authority.
/// </summary>
public sealed class TimestampingOptions
{
    /// <summary>The authorities; each new checkpoint gets one token from each. Empty (the default) turns time-stamping off.</summary>
    public IList<TimestampAuthority> Authorities { get; } = [];

    /// <summary>How often the stamper looks for a newer signed checkpoint. Default 5 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before retrying an authority after its first failure; it doubles with each further failure. Default 5 seconds.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between retries of a failing authority. Default 10 minutes.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one request to an authority may take before it counts as unreachable. Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when at least one authority is configured.</summary>
    public bool Enabled => Authorities.Count > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    /// <param name="field">How the caller names these options; default <c>TimestampingOptions</c>.</param>
    /// <exception cref="ArgumentException">A setting is missing, malformed or out of range.</exception>
    public void Validate(string field = nameof(TimestampingOptions))
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Authorities.Count; i++)
        {
            string at = $"{field}.Authorities[{i}]";
            TimestampAuthority authority = Authorities[i] ?? throw new ArgumentException($"{at}: null; remove it or give a name and a URL.");
            authority.Validate(at);

            // The name is the token's file name in a bundle: two that differ only by case would collide on some file systems.
            if (!names.Add(authority.Name))
            {
                throw new ArgumentException($"{at}.Name: '{authority.Name}' is used by an earlier authority; give each authority its own name.");
            }
        }

        RequirePositive(PollInterval, field, nameof(PollInterval));
        RequirePositive(RetryInitialDelay, field, nameof(RetryInitialDelay));
        RequirePositive(RequestTimeout, field, nameof(RequestTimeout));
        if (RetryMaxDelay < RetryInitialDelay)
        {
            throw new ArgumentException($"{field}.RetryMaxDelay: {RetryMaxDelay} is shorter than RetryInitialDelay ({RetryInitialDelay}); make it at least as long.");
        }
    }

    private static void RequirePositive(TimeSpan value, string field, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"{field}.{name}: must be more than 0 and at most 1 day; got {value}.");
        }
    }
}
