using System.CommandLine;
using DecisionLedger.Bundles;
using DecisionLedger.Cli.Output;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>export --out DIR [filters]</c>: writes an evidence bundle.</summary>
internal sealed class ExportCommand(CommandContext context)
{
    private readonly FilterOptions _filters = new();
    private readonly Option<string> _out = new("--out") { Description = "The bundle directory to create (must not exist or be empty).", HelpName = "DIR", Required = true };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("export", "Write an evidence bundle (checkpoint, key, entries, inputs, proofs, manifest) for offline verification.") { _out };
        _filters.AddTo(command);
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        bool json = context.Json(parsed);
        EntryFilter filter = _filters.Read(parsed);
        string output = Path.GetFullPath(parsed.GetValue(_out)!);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new CliException(ExitCodes.BadInput, $"--out: {output} is not empty; pass a new directory so an old bundle is never mixed with a new one.");
        }

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        BundleSummary summary = await HumanConsole.RunWithProgressAsync<ExportProgress, BundleSummary>(
            context.Environment, json, "Exporting", p => (p.Done, p.Total),
            progress => EvidenceBundleWriter.WriteAsync(
                session.Store,
                output,
                session.Directory.VerifierKey,
                session.Origin,
                FilterOptions.IsFiltered(filter) ? filter with { Limit = int.MaxValue } : null,
                ToolVersion,
                progress,
                cancellationToken).AsTask());

        if (json)
        {
            await JsonOutput.WriteAsync(context.Environment.Out, w =>
            {
                w.WriteStartObject();
                w.WriteString("bundle", output);
                w.WriteNumber("treeSize", summary.TreeSize);
                w.WriteNumber("entries", summary.Entries);
                w.WriteNumber("inputs", summary.Inputs);
                w.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            await context.Environment.Out.WriteLineAsync($"Wrote evidence bundle {output}");
            await context.Environment.Out.WriteLineAsync($"  {summary.Entries} entries, {summary.Inputs} stored inputs, checkpoint of size {summary.TreeSize}");
            await context.Environment.Out.WriteLineAsync($"Verify it offline: dledger verify --bundle {output} --key '{session.Directory.VerifierKey}'");
        }

        return ExitCodes.Ok;
    }

    /// <summary>The version written into bundle manifests.</summary>
    internal static string ToolVersion =>
        "dledger " + (typeof(ExportCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
}
