using System.CommandLine;
using DecisionLedger.Server.Drift;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>dledger serve --drift-config FILE</c>: the models the collector watches for drift (docs/model-risk.md).</summary>
internal sealed class DriftServeOption
{
    /// <summary>The option.</summary>
    public Option<string?> Option { get; } = new("--drift-config")
    {
        Description = "A JSON file naming the models to watch for drift (baseline, window, threshold, paths, webhook); see docs/model-risk.md. Default: no drift monitoring.",
        HelpName = "FILE",
    };

    /// <summary>Reads the file when given; a missing or bad file exits 2 naming the option and the field.</summary>
    public DriftMonitorOptions Read(ParseResult parsed)
    {
        if (parsed.GetValue(Option) is not { } file)
        {
            return new DriftMonitorOptions();
        }

        try
        {
            return DriftConfigFile.Load(file);
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"--drift-config {file}: {exception.Message}", exception);
        }
    }
}
