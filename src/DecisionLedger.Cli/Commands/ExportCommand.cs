using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Bundles;
using DecisionLedger.Cli.Output;
using DecisionLedger.Querying;
using DecisionLedger.Reporting;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>export --out DIR [filters]</c>: writes an evidence bundle against the newest checkpoint.</summary>
internal sealed class ExportCommand(CommandContext context)
{
    /// <summary>The files of an evidence bundle (DESIGN.md, "CLI and evidence bundle"); any of them in <c>--out</c> refuses the export.</summary>
    internal static readonly string[] BundleFileNames = ["checkpoint", "key.vkey", "entries.jsonl", "inputs.jsonl", "proofs.jsonl", "manifest.json", BundleFiles.Completeness, BundleFiles.Subject, BundleReportWriter.FolderName];

    private readonly FilterOptions _filters = new();
    private readonly Option<string> _out = new("--out") { Description = "The bundle directory; created if missing, and must not already hold a bundle. Required unless --tiles.", HelpName = "DIR" };
    private readonly ExportTilesCommand _tiles = new(context);

    /// <summary>The version written into bundle manifests, e.g. <c>dledger 0.1.0</c>.</summary>
    internal static string ToolVersion =>
        "dledger " + (typeof(ExportCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("export", "Write an evidence bundle (checkpoint, key, entries, inputs, proofs, manifest, and HTML reports per model) for offline verification.") { _out };
        _filters.AddTo(command);
        _tiles.AddTo(command);
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        if (_tiles.Requested(parsed))
        {
            return await _tiles.ExecuteAsync(parsed, parsed.GetValue(_out) is not null ? "--out" : FilterOptions.IsFiltered(_filters.Read(parsed)) ? "filters" : null, cancellationToken);
        }

        bool json = context.Json(parsed);
        EntryFilter filter = _filters.Read(parsed);
        using JsonDocument? sameInput = await _filters.ReadSameInputAsync(parsed, cancellationToken);
        string output = Path.GetFullPath(parsed.GetValue(_out) ?? throw new CliException(ExitCodes.BadInput, "--out: required; pass the bundle directory (or --tiles DIR for a tlog-tiles mirror)."));
        bool created = CheckOutput(output);

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        filter = _filters.WithSameInput(filter, sameInput, parsed, session);
        StoredCheckpoint latest = await session.Store.GetLatestCheckpointAsync(cancellationToken)
            ?? throw new CliException(ExitCodes.BadInput, await NoCheckpointMessageAsync(parsed, session, cancellationToken));

        // --where is answered by the query engine (same semantics, catalog check and scan guard as 'query'),
        // before any bundle file exists, so a refused or misspelt condition leaves nothing behind.
        filter = await WhereSelection.ResolveAsync(session.Store, filter, latest.TreeSize, _filters.AllowScan(parsed), cancellationToken: cancellationToken);

        // Archived entries (and their inputs) are read from the archive files; proofs come from the live tiles.
        await using Archiving.ArchiveBackedLedgerStore store = await ArchiveView.OpenAsync(session, cancellationToken);
        if (!FilterOptions.IsFiltered(filter) && store.Catalog.Expired.Count > 0)
        {
            // A full bundle holds every entry; these bodies are gone, so it could never verify.
            RemovePartialBundle(output, created);
            Archiving.ExpiredCatalogFile first = store.Catalog.Expired[0];
            throw new CliException(ExitCodes.BadInput,
                $"export: a full bundle needs every entry, but the retention policy deleted {store.Catalog.Expired.Sum(e => e.File.Rows)} decision bodies in {store.Catalog.Expired.Count} archive files (first: {first.Describe(first.File.FirstSeq)}). Export a selection instead (--model, --subject, --from/--to, …): it carries inclusion proofs, and 'dledger verify' still proves the expired entries existed.");
        }

        BundleManifest manifest;
        IReadOnlyList<string> reports;
        try
        {
            manifest = await HumanConsole.RunWithProgressAsync<long, BundleManifest>(
                context.Environment, json, "Exporting", scanned => (scanned, latest.TreeSize),
                progress => new EvidenceBundleWriter(context.Environment.Time).WriteAsync(
                    store,
                    output,
                    session.Directory.VerifierKey,
                    session.Origin,
                    FilterOptions.IsFiltered(filter) ? filter : null,
                    ToolVersion,
                    progress,
                    cancellationToken).AsTask());

            // The same checkpoint and selection as the bundle; informative pages, not verified (docs/format.md).
            reports = await HumanConsole.RunWithProgressAsync<long, IReadOnlyList<string>>(
                context.Environment, json, "Writing reports", scanned => (scanned, manifest.TreeSize),
                progress => BundleReportWriter.WriteAsync(store, output, session.Verifier, FilterOptions.IsFiltered(filter) ? filter : null, progress, cancellationToken));
        }
        catch (Exception e)
        {
            // A half-written bundle would block the retry (and could be mistaken for a bundle); this run made every bundle file there.
            RemovePartialBundle(output, created);
            if (e is Archiving.ArchiveIntegrityException untrusted)
            {
                throw ArchiveView.Untrusted(untrusted);
            }

            if (e is InvalidOperationException)
            {
                // The writer refuses a newest checkpoint that does not verify with the ledger's own key: that is tampering.
                throw new CliException(ExitCodes.VerificationFailed, $"{session.Directory.Path}: {e.Message}", e);
            }

            throw;
        }

        if (json)
        {
            // The manifest exactly as written, as one compact document.
            using JsonDocument document = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(output, "manifest.json"), cancellationToken));
            await JsonOutput.WriteAsync(context.Environment.Out, document.WriteTo, cancellationToken);
        }
        else
        {
            TextWriter o = context.Environment.Out;
            await o.WriteLineAsync($"Wrote evidence bundle {output}");
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {manifest.EntryCount} of {Plural.Entries(manifest.TreeSize)} ({(manifest.Full ? "full export" : "filtered, with inclusion proofs")}), checkpoint root {manifest.RootHash.ToBase64()}"));
            if (manifest.Completeness is { } key)
            {
                await o.WriteLineAsync($"  with the completeness proof of the chain {key} ({BundleFiles.Completeness}): verify reports whether any entry of it is missing");
            }
            else if (manifest.CompletenessUnavailable is { } why)
            {
                await o.WriteLineAsync($"  no completeness proof: {why}");
            }

            if (reports.Count > 0)
            {
                await o.WriteLineAsync($"  reports (informative, not verified): {string.Join(", ", reports)}");
            }

            await o.WriteLineAsync($"Verify it offline: dledger verify --bundle {output} --key '{session.Directory.VerifierKey}'");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Refuses an output that is a file or already holds a bundle; returns whether the directory is missing (so this run creates it).</summary>
    private static bool CheckOutput(string output)
    {
        if (File.Exists(output))
        {
            throw new CliException(ExitCodes.BadInput, $"--out: {output} is a file; pass a directory (it is created if missing).");
        }

        if (!Directory.Exists(output))
        {
            return true;
        }

        string? existing = BundleFileNames.FirstOrDefault(name => Path.Exists(Path.Combine(output, name)));
        if (existing is not null)
        {
            throw new CliException(ExitCodes.BadInput, $"--out: {output} already holds an evidence bundle ({existing}); pass a new or empty directory so an old bundle is never mixed with a new one.");
        }

        return false;
    }

    private static void RemovePartialBundle(string output, bool created)
    {
        try
        {
            foreach (string name in BundleFileNames)
            {
                string path = Path.Combine(output, name);
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }
            }

            if (created && Directory.Exists(output) && !Directory.EnumerateFileSystemEntries(output).Any())
            {
                Directory.Delete(output);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is what the user needs to see; leftovers are named by the next export's refusal.
        }
    }

    /// <summary>
    /// Why there is nothing to export, with the command that fixes it as the reader would type it:
    /// an empty ledger needs decisions first ('checkpoint --new' would refuse it too), and a PostgreSQL
    /// ledger needs its --store (without it the hint would open an empty SQLite file in the directory).
    /// </summary>
    private async Task<string> NoCheckpointMessageAsync(ParseResult parsed, LedgerSession session, CancellationToken cancellationToken)
    {
        string path = session.Directory.Path;
        if (await session.Store.GetSizeAsync(cancellationToken) == 0)
        {
            return $"{path}: the ledger holds no decisions yet, so there is no checkpoint to export against; record decisions first ('dledger record', or a collector), then export.";
        }

        string store = context.IsPostgres(parsed) ? $" --store postgres --schema {parsed.GetValue(context.SchemaOption)}" : string.Empty;
        return $"{path}: the ledger has no checkpoint yet, so there is nothing to export against; run 'dledger checkpoint --new --ledger {path}{store}' first.";
    }
}
