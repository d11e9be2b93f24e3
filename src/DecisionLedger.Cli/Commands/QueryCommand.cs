using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Cli.Output;
using DecisionLedger.Storage;
using Spectre.Console;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>query [filters] [--same-input FILE] [--limit N] [--before-seq S]</c>: matching decisions, newest first, with a keyset cursor.</summary>
internal sealed class QueryCommand(CommandContext context)
{
    private readonly FilterOptions _filters = new();
    private readonly Option<int> _limit = new("--limit") { Description = "The most decisions to print.", HelpName = "N", DefaultValueFactory = _ => 20 };
    private readonly Option<long?> _beforeSeq = new("--before-seq") { Description = "Only entries with seq below this (the previous page's nextCursor).", HelpName = "SEQ" };
    private readonly Option<string?> _sameInput = new("--same-input") { Description = "Only decisions made for exactly this input: a JSON file holding the input object, or a whole decision whose 'input' is used.", HelpName = "FILE" };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("query", "List decisions matching filters, newest first.") { _limit, _beforeSeq, _sameInput };
        _filters.AddTo(command);
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

        // One extra row tells whether another page exists.
        EntryFilter filter = _filters.Read(parsed) with { BeforeSeq = parsed.GetValue(_beforeSeq), Limit = limit + 1 };

        // Read the file before opening the ledger, so a bad file is reported as such (exit 2) first.
        using JsonDocument? sameInput = parsed.GetValue(_sameInput) is { } file ? await SameInputFile.ReadAsync(file, cancellationToken) : null;
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        if (sameInput is not null)
        {
            filter = filter with { InputFingerprint = SameInputFile.Fingerprint(sameInput, parsed.GetValue(_sameInput)!, session.Directory.CreateFingerprinter()) };
        }

        var entries = new List<StoredEntry>(Math.Min(limit + 1, 1024));
        await foreach (StoredEntry entry in session.Store.QueryAsync(filter, cancellationToken))
        {
            entries.Add(entry);
        }

        long? nextCursor = null;
        if (entries.Count > limit)
        {
            entries.RemoveAt(entries.Count - 1);
            nextCursor = entries[^1].Seq;
        }

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
        console.WriteLine(nextCursor is { } next
            ? $"{entries.Count} shown; more with --before-seq {next}"
            : $"{entries.Count} shown; no more.");
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
