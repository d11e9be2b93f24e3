using System.CommandLine;
using System.Globalization;
using DecisionLedger.Cli.Output;
using DecisionLedger.Server.Tlog;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>export --tiles DIR</c>: writes the ledger in the C2SP <c>tlog-tiles</c> layout as static files (checkpoint, hash
/// tiles, entry bundles), the same bytes <c>dledger serve</c> answers under <c>/tlog/</c>, so any static-file
/// server can mirror the log.
/// </summary>
internal sealed class ExportTilesCommand(CommandContext context)
{
    private readonly Option<string?> _tiles = new("--tiles")
    {
        Description = "Instead of an evidence bundle, write the whole log as tlog-tiles static files (checkpoint, tile/…) into DIR, created if missing; a second run brings it up to date.",
        HelpName = "DIR",
    };

    /// <summary>Adds <c>--tiles</c> to the export command.</summary>
    public void AddTo(Command command) => command.Options.Add(_tiles);

    /// <summary>Whether the user asked for tiles rather than an evidence bundle.</summary>
    public bool Requested(ParseResult parsed) => parsed.GetValue(_tiles) is not null;

    /// <summary>Runs the tiles export; <paramref name="conflicting"/> names an evidence-bundle option also given (refused), or null.</summary>
    public async Task<int> ExecuteAsync(ParseResult parsed, string? conflicting, CancellationToken cancellationToken)
    {
        if (conflicting is not null)
        {
            throw new CliException(ExitCodes.BadInput, $"--tiles: exports the whole log and cannot be combined with {conflicting}; drop one of them.");
        }

        string output = Path.GetFullPath(parsed.GetValue(_tiles)!);
        if (File.Exists(output))
        {
            throw new CliException(ExitCodes.BadInput, $"--tiles: {output} is a file; pass a directory (it is created if missing).");
        }

        bool json = context.Json(parsed);
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        if (await session.Store.GetLatestCheckpointAsync(cancellationToken) is null)
        {
            throw new CliException(ExitCodes.BadInput, $"{session.Directory.Path}: the ledger has no checkpoint yet, so there is no tree to export; run 'dledger checkpoint --new --ledger {session.Directory.Path}' first.");
        }

        // Entry bundles of archived seqs are read from the archive files.
        await using Archiving.ArchiveBackedLedgerStore store = await ArchiveView.OpenAsync(session, cancellationToken);
        TlogExportResult result = await HumanConsole.RunWithProgressAsync<long, TlogExportResult>(
            context.Environment, json, "Writing tiles", written => (written, 1 + written),
            progress => TlogExport.WriteAsync(store, output, progress, cancellationToken));

        foreach (string refusal in result.RefusedBundles)
        {
            await context.Environment.Error.WriteLineAsync("warning: not written: " + refusal);
        }

        if (json)
        {
            await JsonOutput.WriteAsync(context.Environment.Out, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("directory", output);
                writer.WriteNumber("treeSize", result.TreeSize);
                writer.WriteNumber("hashTiles", result.HashTiles);
                writer.WriteNumber("entryBundles", result.EntryBundles);
                writer.WriteStartArray("refusedBundles");
                foreach (string refusal in result.RefusedBundles)
                {
                    writer.WriteStringValue(refusal);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            TextWriter o = context.Environment.Out;
            await o.WriteLineAsync($"Wrote tlog-tiles {output}");
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  tree size {result.TreeSize}: {result.HashTiles} hash tiles, {result.EntryBundles} entry bundles, checkpoint"));
            await o.WriteLineAsync($"Serve it with any static-file server; clients verify the checkpoint with '{session.Directory.VerifierKey}'.");
        }

        // A refused bundle is the format's limit, not a failure: the server refuses the same bundle, and the warning names it.
        return ExitCodes.Ok;
    }
}
