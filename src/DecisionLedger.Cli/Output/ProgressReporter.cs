using Spectre.Console;

namespace DecisionLedger.Cli.Output;

/// <summary>
/// Shows how far a long command has come, always on stderr so stdout (the report, or <c>--json</c>)
/// stays clean: a bar labelled by the command when stderr is a terminal and the output is not JSON,
/// otherwise a plain line for long runs only, once the run has lasted <see cref="QuietPeriod"/>, then
/// at each further 10% or every <see cref="Interval"/>, whichever comes first.
/// </summary>
/// <remarks><c>verify</c> and <c>import</c> share it; each brings its bar label and its line wording.</remarks>
internal sealed class ProgressReporter
{
    /// <summary>Runs shorter than this print nothing.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(2);

    /// <summary>The longest gap between two lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly Func<ProgressLine, string> _formatLine;
    private readonly long _started;
    private long _lastLine = -1;
    private long _lastDone;

    private ProgressReporter(TextWriter error, TimeProvider time, Func<ProgressLine, string> formatLine)
    {
        _error = error;
        _time = time;
        _formatLine = formatLine;
        _started = time.GetTimestamp();
    }

    /// <summary>Runs <paramref name="work"/> with progress shown the way the environment calls for.</summary>
    /// <typeparam name="TResult">What the work returns.</typeparam>
    /// <param name="environment">Where stderr goes and whether it is a terminal; its clock.</param>
    /// <param name="json">True for <c>--json</c>: never a bar, lines on stderr only.</param>
    /// <param name="barLabel">The bar's description, as Spectre markup (escape any user text).</param>
    /// <param name="formatLine">The plain line for a point of progress, starting with the command name.</param>
    /// <param name="work">The work, given the progress sink of (done, total).</param>
    public static async Task<TResult> RunAsync<TResult>(
        CliEnvironment environment,
        bool json,
        string barLabel,
        Func<ProgressLine, string> formatLine,
        Func<IProgress<(long Done, long Total)>, Task<TResult>> work)
    {
        if (json || !environment.IsErrorTerminal)
        {
            var lines = new ProgressReporter(environment.Error, environment.Time, formatLine);
            return await work(new SynchronousProgress<(long Done, long Total)>(lines.Report));
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
                ProgressTask task = context.AddTask(barLabel);
                TResult result = await work(new SynchronousProgress<(long Done, long Total)>(p =>
                {
                    task.MaxValue = Math.Max(p.Total, 1);
                    task.Value = Math.Min(p.Done, task.MaxValue);
                }));
                task.Value = task.MaxValue;
                return result;
            });
    }

    private void Report((long Done, long Total) progress)
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
        _error.WriteLine(_formatLine(new ProgressLine(progress.Done, progress.Total, elapsed)));
    }
}
