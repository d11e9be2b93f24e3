using System.CommandLine;
using DecisionLedger.Witnessing.Publishing;

namespace DecisionLedger.Cli.Witness;

/// <summary>
/// The witnessing options of the processes that sign checkpoints (<c>serve</c>, <c>sequence</c>):
/// <c>--witness-policy</c>, <c>--witness NAME=URL</c>, <c>--witness-retry-max</c>.
/// </summary>
internal sealed class WitnessingCliOptions
{
    private readonly Option<string?> _policy = new("--witness-policy")
    {
        Description = "Get each signed checkpoint cosigned by the witnesses of this tlog-policy file (witness NAME VKEY [URL], group, quorum); the collector's /tlog/checkpoint then serves the newest one the quorum cosigned. See docs/verification.md.",
        HelpName = "FILE",
    };

    private readonly Option<string[]> _witness = new("--witness")
    {
        Description = "With --witness-policy: where the witness NAME of the policy takes add-checkpoint requests, when its witness line gives no URL or to override it (repeat per witness).",
        HelpName = "NAME=URL",
    };

    private readonly Option<double?> _retryMax = new("--witness-retry-max")
    {
        Description = "With --witness-policy: the longest wait, in seconds, between retries of a failing witness (the wait doubles from 1 s per failure). Default 300.",
        HelpName = "SECONDS",
    };

    /// <summary>The options, to add to a command.</summary>
    public IEnumerable<Option> All => [_policy, _witness, _retryMax];

    /// <summary>Fills <paramref name="witnessing"/> from the command line and checks it (the policy file is read).</summary>
    /// <exception cref="CliException">An option is malformed, or the policy or a URL is bad; the message names the option.</exception>
    public void Configure(ParseResult parsed, WitnessingOptions witnessing)
    {
        string? policy = parsed.GetValue(_policy);
        string[] witnesses = parsed.GetValue(_witness) ?? [];
        double? retryMax = parsed.GetValue(_retryMax);
        if (policy is null)
        {
            if (witnesses.Length > 0 || retryMax is not null)
            {
                throw new CliException(ExitCodes.BadInput, "--witness, --witness-retry-max: only meaningful with --witness-policy FILE; add it or drop them.");
            }

            return;
        }

        witnessing.PolicyPath = Path.GetFullPath(policy);
        foreach (string witness in witnesses)
        {
            int equals = witness.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == witness.Length - 1)
            {
                throw new CliException(ExitCodes.BadInput, $"--witness: '{witness}' is not NAME=URL; pass e.g. --witness w1=http://127.0.0.1:7380.");
            }

            witnessing.Witnesses[witness[..equals]] = witness[(equals + 1)..];
        }

        if (retryMax is { } seconds)
        {
            if (!(seconds >= 0.01 && seconds <= TimeSpan.FromDays(1).TotalSeconds))
            {
                throw new CliException(ExitCodes.BadInput, $"--witness-retry-max: {seconds} is out of range; pass 0.01 to 86400 seconds, e.g. 300.");
            }

            witnessing.RetryMaxDelay = TimeSpan.FromSeconds(seconds);
            witnessing.RetryMinDelay = TimeSpan.FromTicks(Math.Min(witnessing.RetryMinDelay.Ticks, witnessing.RetryMaxDelay.Ticks));
        }

        try
        {
            witnessing.Resolve("Witnessing.");
        }
        catch (ArgumentException exception)
        {
            throw new CliException(ExitCodes.BadInput, ToFlags(exception.Message));
        }
    }

    /// <summary>Names the flags a user typed in a message that names the option properties.</summary>
    public static string ToFlags(string message) => message
        .Replace("Witnessing.PolicyPath", "--witness-policy", StringComparison.Ordinal)
        .Replace("Witnessing.Witnesses", "--witness", StringComparison.Ordinal)
        .Replace("Witnessing.RetryMaxDelay", "--witness-retry-max", StringComparison.Ordinal);
}
