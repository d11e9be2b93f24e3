using System.Globalization;
using DecisionLedger.Cli.Output;
using DecisionLedger.Verification;
using Spectre.Console;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// Shows how far <c>verify</c> has come, always on stderr so stdout (the report, or <c>--json</c>)
/// stays clean: a bar when stderr is a terminal and the output is not JSON, otherwise a plain line
/// for long runs only, once the run has lasted <see cref="QuietPeriod"/>, then at each further 10%
/// or every <see cref="Interval"/>, whichever comes first.
/// </summary>
internal sealed class VerifyProgressReporter
{
    /// <summary>Runs shorter than this print nothing.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);

    /// <summary>The longest gap between two lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _lastLine = -1;
    private long _lastDone;

    private VerifyProgressReporter(TextWriter error, TimeProvider time)
    {
        _error = error;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>Runs <paramref name="work"/> with progress shown the way the environment calls for.</summary>
    /// <param name="environment">Where stderr goes and whether it is a terminal; its clock.</param>
    /// <param name="json">True for <c>--json</c>: never a bar, lines on stderr only.</param>
    /// <param name="work">The verification, given the progress sink.</param>
    public static async Task<VerificationReport> RunAsync(CliEnvironment environment, bool json, Func<IProgress<VerificationProgress>, Task<VerificationReport>> work)
    {
        if (json || !environment.IsErrorTerminal)
        {
            var lines = new VerifyProgressReporter(environment.Error, environment.Time);
            return await work(new SynchronousProgress<VerificationProgress>(lines.Report));
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(environment.Error),
        });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("Verifying ledger");
                VerificationReport report = await work(new SynchronousProgress<VerificationProgress>(p =>
                {
                    task.MaxValue = Math.Max(p.Total, 1);
                    task.Value = Math.Min(p.Done, task.MaxValue);
                }));
                task.Value = task.MaxValue;
                return report;
            });
    }

    private void Report(VerificationProgress progress)
    {
        long now = _time.GetTimestamp();
        TimeSpan elapsed = _time.GetElapsedTime(_started, now);
        if (elapsed < QuietPeriod || progress.Total <= 0)
        {
            return;
        }

        bool due = _lastLine < 0
            || progress.Done == progress.Total
            || (progress.Done - _lastDone) * 10 >= progress.Total
            || _time.GetElapsedTime(_lastLine, now) >= Interval;
        if (!due)
        {
            return;
        }

        _lastLine = now;
        _lastDone = progress.Done;
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verify: {progress.Done:N0} of {Plural.Of(progress.Total, "entry", "entries", "N0")} ({100.0 * progress.Done / progress.Total:0}%), {progress.Done / elapsed.TotalSeconds:N0} entries/s, {elapsed.TotalSeconds:0} s"));
    }
}
