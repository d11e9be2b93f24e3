using System.CommandLine;
using DecisionLedger.Cli.Output;
using DecisionLedger.PostgreSql;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>migrate</c>: creates or upgrades the PostgreSQL ledger schema over the OWNER connection
/// (<c>--connection</c>), and with <c>--app-role</c> creates the application role and grants it
/// INSERT and SELECT only (DELETE on inputs and subject keys, for erasure).
/// </summary>
internal sealed class MigrateCommand(CommandContext context)
{
    /// <summary>The environment variable the application role's password is read from, so it stays off the command line.</summary>
    public const string AppPasswordVariable = "DLEDGER_APP_PASSWORD";

    private readonly Option<string?> _appRole = new("--app-role")
    {
        Description = "Create this application role (when missing) and grant it what the store needs, nothing more.",
        HelpName = "ROLE",
    };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command(
            "migrate",
            $"Create or upgrade the PostgreSQL ledger schema with the owner's --connection; with --app-role, create and grant the application role (password from ${AppPasswordVariable}).")
        {
            _appRole,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string connection = context.Connection(parsed)
            ?? throw new CliException(ExitCodes.BadInput, $"--connection: required; pass the OWNER role's Npgsql connection string or set {GlobalOptions.ConnectionVariable}.");
        string schema = parsed.GetValue(context.SchemaOption) ?? "decisionledger";
        string? role = parsed.GetValue(_appRole);
        PostgreSqlLedgerMigrator migrator;
        try
        {
            migrator = new PostgreSqlLedgerMigrator(connection, schema);
        }
        catch (ArgumentException exception)
        {
            throw new CliException(ExitCodes.BadInput, (exception.ParamName == "schema" ? "--schema: " : "--connection: ") + exception.Message);
        }

        int applied = await migrator.MigrateAsync(cancellationToken);
        if (role is not null)
        {
            try
            {
                await migrator.GrantApplicationRoleAsync(role, Environment.GetEnvironmentVariable(AppPasswordVariable), cancellationToken);
            }
            catch (ArgumentException exception)
            {
                throw new CliException(ExitCodes.BadInput, "--app-role: " + exception.Message);
            }
        }

        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteString("target", migrator.Target);
                json.WriteNumber("version", PostgreSqlLedgerMigrator.LatestVersion);
                json.WriteNumber("applied", applied);
                if (role is not null)
                {
                    json.WriteString("appRole", role);
                }

                json.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            await context.Environment.Out.WriteLineAsync(
                $"{migrator.Target}: schema at version {PostgreSqlLedgerMigrator.LatestVersion} ({Plural.Of(applied, "migration")} applied).");
            if (role is not null)
            {
                await context.Environment.Out.WriteLineAsync($"  application role '{role}': INSERT and SELECT on entries, request ids, tiles, checkpoints; DELETE only on inputs and subject keys.");
            }
        }

        return ExitCodes.Ok;
    }
}
