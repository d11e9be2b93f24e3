using System.CommandLine;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>key</c>: prints the verifier key string.</summary>
internal sealed class KeyCommand(CommandContext context)
{
    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("key", "Print the verifier key string auditors use to check checkpoints and bundles.");
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        LedgerDirectory directory = LedgerDirectory.Open(context.LedgerPath(parsed));
        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, json =>
            {
                json.WriteStartObject();
                json.WriteString("origin", directory.Config.Origin);
                json.WriteString("verifierKey", directory.VerifierKey);
                json.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            await context.Environment.Out.WriteLineAsync(directory.VerifierKey);
        }

        return ExitCodes.Ok;
    }
}
