using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Cli.Output;
using DecisionLedger.Querying;
using DecisionLedger.Storage;
using Spectre.Console;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>query [filters] [--where EXPR]… [--same-input FILE] [--limit N] [--cursor C] [--allow-scan] [--include-archive [--archive LOC]]</c>:
/// matching decisions, newest first, one page at a time with an opaque cursor (the <see cref="LedgerQuery"/> engine).
/// </summary>
internal sealed class QueryCommand(CommandContext context)
{
    private readonly FilterOptions _filters = new();
    private readonly Option<int> _limit = new("--limit") { Description = "The most decisions to print.", HelpName = "N", DefaultValueFactory = _ => 20 };
    private readonly Option<long?> _beforeSeq = new("--before-seq") { Description = "Only entries with seq below this.", HelpName = "SEQ" };
    private readonly Option<string?> _cursor = new("--cursor") { Description = "Continue after the page that printed this cursor (same filters and --where).", HelpName = "CURSOR" };
    private readonly Archive.IncludeArchiveOptions _archive = new();

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("query", "List decisions matching filters, newest first.") { _limit, _beforeSeq, _cursor };
        _filters.AddTo(command);
        _archive.AddTo(command);
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        int limit = parsed.GetValue(_limit);
        if (limit is <= 0 or > 10_000)
        {
            throw new CliException(ExitCodes.BadInput, $"--limit: {limit} is out of range; pass 1 to 10000.");
        }

        // Parse --where before opening the ledger, so a typo is reported as such (exit 2) first.
        EntryFilter filter = _filters.Read(parsed) with
        {
            BeforeSeq = parsed.GetValue(_beforeSeq),
            Limit = limit,
        };

        using JsonDocument? sameInput = await _filters.ReadSameInputAsync(parsed, cancellationToken);
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        filter = _filters.WithSameInput(filter, sameInput, parsed, session);

        (QueryPage page, int? archivedShown) = _archive.IsRequested(parsed)
            ? await _archive.RunAsync(parsed, session.Store, filter, parsed.GetValue(_cursor), _filters.AllowScan(parsed), cancellationToken)
            : (await new LedgerQuery(session.Store).RunAsync(filter, parsed.GetValue(_cursor), _filters.AllowScan(parsed), cancellationToken), null);
        IReadOnlyList<StoredEntry> entries = page.Entries;
        string? nextCursor = page.NextCursor;

        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json => DecisionLedger.Server.ProofJson.WriteQueryPage(json, entries, nextCursor), cancellationToken);
            return ExitCodes.Ok;
        }

        IAnsiConsole console = HumanConsole.Create(context.Environment);
        if (entries.Count == 0)
        {
            console.WriteLine("No decisions match.");
            return ExitCodes.Ok;
        }

        var table = new Table()
            .AddColumn(new TableColumn("seq").RightAligned())
            .AddColumn("timestamp (UTC)")
            .AddColumn("model")
            .AddColumn("user")
            .AddColumn("tenant")
            .AddColumn("subject")
            .AddColumn("output")
            .AddColumn("requestId");
        foreach (StoredEntry entry in entries)
        {
            EntryColumns c = entry.Columns;
            table.AddRow(
                entry.Seq.ToString(CultureInfo.InvariantCulture),
                c.Timestamp.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                Markup.Escape(string.Equals(c.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal) ? $"{c.ModelName} {c.ModelVersion}" : $"({c.Kind})"),
                Markup.Escape(c.UserId ?? "-"),
                Markup.Escape(c.Tenant ?? "-"),
                Markup.Escape(c.SubjectId ?? "-"),
                Markup.Escape(OutputSummary(entry.CanonicalBytes)),
                Markup.Escape(c.RequestId));
        }

        console.Write(table);
        string archived = archivedShown is { } fromArchive ? $" ({fromArchive} from the archive)" : "";
        console.WriteLine(nextCursor is { } next
            ? $"{entries.Count} shown{archived}; more with --cursor {next}"
            : $"{entries.Count} shown{archived}; no more.");
        return ExitCodes.Ok;
    }

    private static string OutputSummary(byte[] canonical)
    {
        using JsonDocument document = JsonDocument.Parse(canonical);
        if (!document.RootElement.TryGetProperty("output", out JsonElement output))
        {
            return "-";
        }

        string text = output.GetRawText();
        return text.Length <= 48 ? text : string.Concat(text.AsSpan(0, 45), "...");
    }
}
