using Spectre.Console;

namespace DecisionLedger.Cli.Output;

/// <summary>Spectre.Console over the command's stdout writer: tables for people, progress only on a terminal.</summary>
internal static class HumanConsole
{
    /// <summary>Creates a console that renders to <paramref name="environment"/>'s stdout.</summary>
    public static IAnsiConsole Create(CliEnvironment environment)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = environment.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = environment.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(environment.Out),
        });
        if (!environment.IsTerminal)
        {
            // A redirected stdout has no width; a wide one keeps tables from wrapping every cell.
            console.Profile.Width = 160;
        }

        return console;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar on stderr when stderr is a terminal and the
    /// output is not JSON, so stdout (a report, possibly redirected) stays clean.
    /// </summary>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="environment">Decides whether a bar is shown.</param>
    /// <param name="json">True for <c>--json</c>: never a bar.</param>
    /// <param name="title">The bar's label.</param>
    /// <param name="total">The number of entries the operation scans.</param>
    /// <param name="work">The operation, given the sink of entries scanned, or null.</param>
    public static async Task<TResult> RunWithErrorProgressAsync<TResult>(CliEnvironment environment, bool json, string title, long total, Func<IProgress<long>?, Task<TResult>> work)
    {
        if (json || !environment.IsErrorTerminal)
        {
            return await work(null);
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
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(title.EscapeMarkup(), maxValue: Math.Max(total, 1));
                TResult result = await work(new SynchronousProgress<long>(done => task.Value = Math.Min(done, task.MaxValue)));
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar when stdout is a terminal and the output is
    /// not JSON; otherwise with no progress reporting at all.
    /// </summary>
    /// <typeparam name="TProgress">The progress report type of the underlying operation.</typeparam>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="environment">Decides whether a bar is shown.</param>
    /// <param name="json">True for <c>--json</c>: never a bar.</param>
    /// <param name="title">The bar's label.</param>
    /// <param name="fraction">Maps a report to (done, total).</param>
    /// <param name="work">The operation, given the progress sink or null.</param>
    public static async Task<TResult> RunWithProgressAsync<TProgress, TResult>(
        CliEnvironment environment,
        bool json,
        string title,
        Func<TProgress, (double Done, double Total)> fraction,
        Func<IProgress<TProgress>?, Task<TResult>> work)
    {
        if (json || !environment.IsTerminal)
        {
            return await work(null);
        }

        IAnsiConsole console = Create(environment);
        return await console.Progress()
            .AutoClear(true)
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(title.EscapeMarkup());
                var sink = new SynchronousProgress<TProgress>(report =>
                {
                    (double done, double total) = fraction(report);
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = Math.Min(done, task.MaxValue);
                });
                TResult result = await work(sink);
                task.Value = task.MaxValue;
                return result;
            });
    }
}
