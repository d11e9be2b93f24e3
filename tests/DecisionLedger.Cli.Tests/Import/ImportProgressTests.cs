using DecisionLedger.Cli.Import;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Cli.Tests.Import;

/// <summary>Progress of a long import on stderr when it is not a terminal (or with --json): a line per 10%, none for short runs.</summary>
public sealed class ImportProgressTests
{
    [Fact]
    public async Task Progress_LongRun_PrintsALineAtEachTenthAndAtTheEnd()
    {
        var time = new FakeTimeProvider();
        var stderr = new StringWriter();
        var environment = new CliEnvironment(new StringWriter(), stderr, () => Stream.Null, IsTerminal: false, time);

        await ImportProgressReporter.RunAsync(environment, json: true, "/data/capture.jsonl", progress =>
        {
            time.Advance(TimeSpan.FromSeconds(3));
            progress.Report((500, 1000));
            progress.Report((540, 1000));
            progress.Report((1000, 1000));
            return Task.FromResult(new ImportSummary());
        });

        string[] lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["import: 50% read, 3 s", "import: 100% read, 3 s"], lines);
    }

    [Fact]
    public async Task Progress_ShortRun_PrintsNothing()
    {
        var time = new FakeTimeProvider();
        var stderr = new StringWriter();
        var environment = new CliEnvironment(new StringWriter(), stderr, () => Stream.Null, IsTerminal: false, time);

        await ImportProgressReporter.RunAsync(environment, json: false, "/data/capture.jsonl", progress =>
        {
            progress.Report((1000, 1000));
            return Task.FromResult(new ImportSummary());
        });

        Assert.Equal(string.Empty, stderr.ToString());
    }
}
