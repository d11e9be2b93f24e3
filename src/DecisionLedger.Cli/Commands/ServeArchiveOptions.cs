using System.CommandLine;
using DecisionLedger.Retention;
using DecisionLedger.Server.Retention;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>serve --archive-to LOC [--archive-every DURATION] [--archive-policy FILE]</c>: the collector runs the
/// ledger's retention policy on a schedule (recovery, input deletion, archiving), as <c>retention apply --to LOC</c> would.
/// </summary>
internal sealed class ServeArchiveOptions
{
    private readonly Option<string?> _to = new("--archive-to")
    {
        Description = "Run retention on a schedule: archive decisions past the policy's 'live' here (DIR, dir:DIR or s3://bucket/prefix) and delete stored inputs past 'inputs', at start and every --archive-every.",
        HelpName = "DIR|s3://bucket/prefix",
    };

    private readonly Option<string?> _every = new("--archive-every")
    {
        Description = "Time between scheduled retention runs, an ISO 8601 duration such as PT1H (default), PT15M or P1D.",
        HelpName = "DURATION",
    };

    private readonly Option<string?> _policy = new("--archive-policy")
    {
        Description = "The retention policy file ({\"retention\":{…}}) the schedule follows; default the ledger's ledger.json. Read at every run.",
        HelpName = "FILE",
    };

    /// <summary>The options, to add to the command.</summary>
    public IEnumerable<Option> All => [_to, _every, _policy];

    /// <summary>Sets <paramref name="schedule"/> from the parsed options; nothing when <c>--archive-to</c> is absent.</summary>
    /// <exception cref="CliException">A value is malformed, or an option is given without <c>--archive-to</c>.</exception>
    public void Configure(ParseResult parsed, ArchiveScheduleOptions schedule)
    {
        string? to = parsed.GetValue(_to);
        string? every = parsed.GetValue(_every);
        string? policy = parsed.GetValue(_policy);
        if (to is null)
        {
            if (every is not null || policy is not null)
            {
                throw new CliException(ExitCodes.BadInput, $"{(every is not null ? "--archive-every" : "--archive-policy")}: only meaningful with --archive-to; add --archive-to DIR|s3://bucket/prefix.");
            }

            return;
        }

        if (every is not null)
        {
            try
            {
                IsoDuration duration = IsoDuration.Parse(every, "--archive-every");
                DateTimeOffset from = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                schedule.Interval = from - duration.Before(from);
            }
            catch (RetentionPolicyException e)
            {
                throw new CliException(ExitCodes.BadInput, e.Message);
            }
        }

        if (policy is not null)
        {
            string path = Path.GetFullPath(policy);
            schedule.PolicyPath = File.Exists(path)
                ? path
                : throw new CliException(ExitCodes.BadInput, $"--archive-policy: {path} does not exist; pass a JSON file holding {{\"retention\":{{…}}}}.");
        }

        schedule.Destination = ArchiveCommand.OpenDestination(to);
        schedule.OpenDestination = ArchiveView.OpenDestination;
    }
}
