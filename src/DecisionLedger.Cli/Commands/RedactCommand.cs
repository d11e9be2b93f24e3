using System.CommandLine;
using System.Security.Cryptography;
using DecisionLedger.Cli.Output;
using DecisionLedger.Entries;
using DecisionLedger.Ledger;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>redact --policy FILE [decision.json|-]</c>: a dry run that shows what a policy does to one
/// decision — the redacted decision and every redaction applied — without touching a ledger.
/// </summary>
internal sealed class RedactCommand(CommandContext context)
{
    private readonly Option<string?> _policy = new("--policy") { Description = "The redaction policy file (JSON). Default: the ledger's redaction.json, else privacy by default.", HelpName = "FILE" };
    private readonly Argument<string> _decision = new("decision") { Description = "A file holding one decision as JSON, or '-' for standard input.", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "-" };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("redact", "Dry run: show what the redaction policy does to a decision, without recording it.") { _policy, _decision };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string ledgerPath = context.LedgerPath(parsed);
        LedgerDirectory? ledger = LedgerDirectory.Exists(ledgerPath) ? LedgerDirectory.Open(ledgerPath) : null;
        string? policyFile = parsed.GetValue(_policy) ?? (ledger is not null && File.Exists(ledger.RedactionPolicyPath) ? ledger.RedactionPolicyPath : null);
        if (policyFile is not null && !File.Exists(policyFile))
        {
            throw new CliException(ExitCodes.BadInput, $"--policy: {Path.GetFullPath(policyFile)} does not exist; pass a redaction policy JSON file (docs/privacy.md).");
        }

        RedactionPolicy policy = policyFile is null ? RedactionPolicy.PrivacyByDefault : RedactionPolicyLoader.Load(policyFile);

        // The hash operator is keyed: with a ledger, its key makes the output match what recording would store.
        byte[] key = ledger?.RedactionKey ?? RandomNumberGenerator.GetBytes(PolicyRedactor.MinimumKeyLength);
        var redactor = new PolicyRedactor(policy, key);

        byte[] json = await ReadDecisionAsync(parsed.GetValue(_decision)!, cancellationToken);
        Decision decision = DecisionParser.Default.Parse(json);
        RedactionResult result = redactor.Redact(decision);

        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(context.Environment.Out, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("policy", policyFile is null ? "privacy-by-default" : Path.GetFullPath(policyFile));
                writer.WritePropertyName("decision");
                DecisionJson.Serialize(writer, result.Redacted);
                writer.WriteStartArray("redactions");
                foreach (AppliedRedaction applied in result.Applied)
                {
                    writer.WriteStartObject();
                    writer.WriteString("path", applied.Path);
                    writer.WriteString("rule", applied.Rule);
                    writer.WriteString("operator", applied.Operator);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }, cancellationToken);
            return ExitCodes.Ok;
        }

        TextWriter output = context.Environment.Out;
        await output.WriteLineAsync($"Policy: {(policyFile is null ? "privacy by default (every built-in detector, replace with a tag)" : Path.GetFullPath(policyFile))}");
        await output.WriteLineAsync(ledger is null ? "Hash operator key: a throwaway key (pass --ledger to use the ledger's)" : $"Hash operator key: {ledger.Path}/{LedgerDirectory.RedactionKeyFileName}");
        await output.WriteLineAsync();
        await output.WriteLineAsync(result.Applied.Count == 0 ? "Nothing redacted." : $"{Plural.Of(result.Applied.Count, "redaction")}:");
        foreach (AppliedRedaction applied in result.Applied)
        {
            await output.WriteLineAsync($"  {applied.Path,-40} {applied.Rule,-24} {applied.Operator}");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync("Decision as it would be hashed and stored:");
        await output.WriteLineAsync(DecisionJson.SerializeToString(result.Redacted));
        return ExitCodes.Ok;
    }

    private async Task<byte[]> ReadDecisionAsync(string file, CancellationToken cancellationToken)
    {
        if (file == "-")
        {
            await using Stream input = context.Environment.OpenInput();
            using var buffer = new MemoryStream();
            await input.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }

        string full = Path.GetFullPath(file);
        if (!File.Exists(full))
        {
            throw new CliException(ExitCodes.BadInput, $"{full}: no such file; pass a decision JSON file, or '-' for standard input.");
        }

        return await File.ReadAllBytesAsync(full, cancellationToken);
    }
}
