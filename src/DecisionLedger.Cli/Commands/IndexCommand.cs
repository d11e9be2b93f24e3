using System.CommandLine;
using DecisionLedger.Cli.Output;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>index add PATH</c> · <c>index drop PATH</c> · <c>index list</c>: the where-paths the SQLite
/// store indexes, so a query on a rare value of them finds its first page from the index (see
/// docs/auditing.md, "Which <c>--where</c> paths are indexed, and why").
/// </summary>
internal sealed class IndexCommand(CommandContext context)
{
    /// <summary>Defines the command and its three subcommands.</summary>
    public Command Build()
    {
        var command = new Command("index", "Index where-paths (e.g. output.label) so queries on their rare values are fast; each costs every append a little.");
        command.Subcommands.Add(Change("add", "Index a field path the ledger's decisions carry (reads every entry once; run it when ingest is quiet).", add: true));
        command.Subcommands.Add(Change("drop", "Drop the index of a field path; queries on it read entries again.", add: false));
        var list = new Command("list", "List the indexed field paths.");
        list.SetAction(ListAsync);
        command.Subcommands.Add(list);
        return command;
    }

    private Command Change(string name, string description, bool add)
    {
        var path = new Argument<string>("PATH") { Description = "The field path, as --where writes it, e.g. output.label or input.amount." };
        var command = new Command(name, description);
        command.Arguments.Add(path);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string field = parsed.GetValue(path)!;
            await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: true, cancellationToken);
            SqliteLedgerStore store = Sqlite(session.Store);
            bool changed = add
                ? await store.AddFieldIndexAsync(field, cancellationToken)
                : await store.DropFieldIndexAsync(field, cancellationToken);
            if (context.Json(parsed))
            {
                await JsonOutput.WriteAsync(context.Environment.Out, json =>
                {
                    json.WriteStartObject();
                    json.WriteString("path", field);
                    json.WriteBoolean(add ? "created" : "dropped", changed);
                    json.WriteEndObject();
                }, cancellationToken);
            }
            else
            {
                string text = (add, changed) switch
                {
                    (true, true) => $"indexed {field}",
                    (true, false) => $"{field} was already indexed",
                    (false, true) => $"dropped the index of {field}",
                    (false, false) => $"{field} had no index",
                };
                await context.Environment.Out.WriteLineAsync(text);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private async Task<int> ListAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        IReadOnlyList<string> paths = session.Store is IFieldIndexCatalog catalog ? await catalog.GetIndexedFieldPathsAsync(cancellationToken) : [];
        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("indexedPaths");
                foreach (string path in paths)
                {
                    json.WriteStringValue(path);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            foreach (string path in paths)
            {
                await context.Environment.Out.WriteLineAsync(path);
            }

            if (paths.Count == 0)
            {
                await context.Environment.Out.WriteLineAsync("no indexed field paths");
            }
        }

        return ExitCodes.Ok;
    }

    private static SqliteLedgerStore Sqlite(ILedgerStore store) => store as SqliteLedgerStore
        ?? throw new CliException(ExitCodes.BadInput, "index: only the SQLite store indexes where-paths; PostgreSQL answers them by reading entries (see docs/auditing.md).");
}
