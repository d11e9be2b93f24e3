using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Access;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using Spectre.Console;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>access-log [--request-id ID]</c>: who read decisions through the collector, and when.</summary>
internal sealed class AccessLogCommand(CommandContext context)
{
    private readonly Option<string?> _requestId = new("--request-id") { Description = "Only reads that returned this decision.", HelpName = "ID" };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("access-log", "Show who read decisions through the collector (access.log.jsonl): time, key, route, entries.") { _requestId };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        LedgerDirectory directory = LedgerDirectory.Open(context.LedgerPath(parsed));
        var records = new List<AccessRecord>();
        await foreach (AccessRecord record in new AccessLog(directory.Path).ReadAsync(parsed.GetValue(_requestId), cancellationToken))
        {
            records.Add(record);
        }

        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("entries");
                foreach (AccessRecord record in records)
                {
                    JsonSerializer.Serialize(json, record, AccessLog.JsonTypeInfo);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }, cancellationToken);
            return ExitCodes.Ok;
        }

        IAnsiConsole console = HumanConsole.Create(context.Environment);
        if (records.Count == 0)
        {
            console.WriteLine("No reads logged.");
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumn("time (UTC)").AddColumn("key").AddColumn("role").AddColumn("route").AddColumn("requestIds");
        foreach (AccessRecord record in records)
        {
            table.AddRow(
                record.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                Markup.Escape(record.KeyName is null ? record.KeyId : $"{record.KeyId} ({record.KeyName})"),
                record.Role,
                Markup.Escape(record.Route),
                Markup.Escape(record.RequestIds.Count <= 3 ? string.Join(", ", record.RequestIds) : $"{string.Join(", ", record.RequestIds.Take(3))} … ({record.RequestIds.Count})"));
        }

        console.Write(table);
        return ExitCodes.Ok;
    }
}
