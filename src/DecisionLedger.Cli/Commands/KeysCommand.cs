using System.CommandLine;
using System.Globalization;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using DecisionLedger.Server.Auth;
using Spectre.Console;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>keys create|revoke|list</c>: the collector's API keys, stored hashed in the ledger directory.</summary>
internal sealed class KeysCommand(CommandContext context)
{
    private readonly Option<string> _role = new("--role") { Description = "monitor, ingest, reader, auditor or admin.", HelpName = "ROLE", Required = true };
    private readonly Option<string?> _name = new("--name") { Description = "Who or what holds the key (shown in the access log).", HelpName = "NAME" };
    private readonly Argument<string> _id = new("ID") { Description = "The key id (from 'keys list') or the whole key." };

    /// <summary>Defines the command and its subcommands.</summary>
    public Command Build()
    {
        var create = new Command("create", "Create an API key; it is printed once and only its SHA-256 is stored.") { _role, _name };
        create.SetAction(CreateAsync);
        var revoke = new Command("revoke", "Revoke an API key; a running collector refuses it from the next request.") { _id };
        revoke.SetAction(RevokeAsync);
        var list = new Command("list", "List API keys (ids, names, roles, created, revoked; never the keys).");
        list.SetAction(ListAsync);
        return new Command("keys", "Manage the collector's API keys (api-keys.json in the ledger directory).") { create, revoke, list };
    }

    private ApiKeyStore OpenStore(ParseResult parsed)
    {
        LedgerDirectory directory = LedgerDirectory.Open(context.LedgerPath(parsed));
        return new ApiKeyStore(directory.Path, context.Environment.Time);
    }

    private async Task<int> CreateAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        ApiKeyRole role = ApiKeyRoles.Parse(parsed.GetValue(_role)!);
        CreatedApiKey created = OpenStore(parsed).Create(role, parsed.GetValue(_name));
        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteString("id", created.Record.Id);
                json.WriteString("name", created.Record.Name);
                json.WriteString("role", created.Record.Role);
                json.WriteString("key", created.Key);
                json.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            await context.Environment.Out.WriteLineAsync(created.Key);
            await context.Environment.Error.WriteLineAsync($"created key {created.Record.Id} ({created.Record.Role}); store it now, it is not shown again.");
        }

        return ExitCodes.Ok;
    }

    private async Task<int> RevokeAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string id = parsed.GetValue(_id)!;
        ApiKeyRecord record = OpenStore(parsed).Revoke(id)
            ?? throw new CliException(ExitCodes.BadInput, $"ID: no key '{id}'; run 'dledger keys list' for the ids.");
        await context.Environment.Out.WriteLineAsync($"revoked {record.Id} at {record.Revoked:O}");
        return ExitCodes.Ok;
    }

    private async Task<int> ListAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        IReadOnlyList<ApiKeyRecord> keys = OpenStore(parsed).List();
        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartArray();
                foreach (ApiKeyRecord key in keys)
                {
                    json.WriteStartObject();
                    json.WriteString("id", key.Id);
                    json.WriteString("name", key.Name);
                    json.WriteString("role", key.Role);
                    json.WriteString("created", key.Created);
                    if (key.Revoked is { } revoked)
                    {
                        json.WriteString("revoked", revoked);
                    }
                    else
                    {
                        json.WriteNull("revoked");
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }, cancellationToken);
            return ExitCodes.Ok;
        }

        IAnsiConsole console = HumanConsole.Create(context.Environment);
        var table = new Table().AddColumn("id").AddColumn("name").AddColumn("role").AddColumn("created (UTC)").AddColumn("revoked (UTC)");
        foreach (ApiKeyRecord key in keys)
        {
            table.AddRow(
                key.Id,
                Markup.Escape(key.Name ?? "-"),
                key.Role,
                key.Created.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                key.Revoked?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-");
        }

        console.Write(table);
        return ExitCodes.Ok;
    }
}
