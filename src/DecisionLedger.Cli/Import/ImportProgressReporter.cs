using System.Globalization;
using DecisionLedger.Cli.Output;
using Spectre.Console;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// Shows how far an import has read, on stderr as <c>verify</c> does: a bar when stderr is a terminal and the
/// output is not JSON; otherwise a plain line for long runs only, after <see cref="QuietPeriod"/>, then at
/// each further 10% or every <see cref="Interval"/>.
/// </summary>
internal sealed class ImportProgressReporter
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

    private ImportProgressReporter(TextWriter error, TimeProvider time)
    {
        _error = error;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>Runs <paramref name="work"/> with progress shown the way the environment calls for.</summary>
    public static async Task<ImportSummary> RunAsync(CliEnvironment environment, bool json, string source, Func<IProgress<(long Done, long Total)>, Task<ImportSummary>> work)
    {
        if (json || !environment.IsErrorTerminal)
        {
            var lines = new ImportProgressReporter(environment.Error, environment.Time);
            return await work(new SynchronousProgress<(long, long)>(lines.Report));
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
                ProgressTask task = context.AddTask("Importing " + Markup.Escape(Path.GetFileName(source)));
                ImportSummary summary = await work(new SynchronousProgress<(long Done, long Total)>(p =>
                {
                    task.MaxValue = Math.Max(p.Total, 1);
                    task.Value = Math.Min(p.Done, task.MaxValue);
                }));
                task.Value = task.MaxValue;
                return summary;
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
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import: {100.0 * progress.Done / progress.Total:0}% read, {elapsed.TotalSeconds:0} s"));
    }
}
