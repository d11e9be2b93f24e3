using System.CommandLine;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>init --origin NAME</c>: creates a ledger with a fresh Ed25519 key (mode 0600).</summary>
internal sealed class InitCommand(CommandContext context)
{
    private readonly Option<bool> _encrypt = new("--encrypt-inputs")
    {
        Description = "Store inputs encrypted (AES-256-GCM) under a key per data subject, wrapped by the master key in $DLEDGER_MASTER_KEY (base64 of 32 bytes).",
    };

    private readonly Option<int> _entryFormat = new("--entry-format")
    {
        Description = "The entry format recorders write: 1 (default) or 2 (v2: subjects as pseudonymous refs that erasure unlinks, and chained per-subject and per-model history). Written to ledger.json as entryFormat.",
        HelpName = "1|2",
        DefaultValueFactory = _ => 1,
    };

    private readonly Option<string> _origin = new("--origin")
    {
        Description = "The checkpoint origin, e.g. decisionledger.example/fraud.",
        HelpName = "NAME",
        Required = true,
    };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("init", "Create a ledger with a fresh Ed25519 signing key (file mode 0600).") { _origin, _encrypt, _entryFormat };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string path = context.LedgerPath(parsed);
        string origin = parsed.GetValue(_origin)!;
        bool encrypt = parsed.GetValue(_encrypt);
        int entryFormat = parsed.GetValue(_entryFormat);
        if (entryFormat is not (1 or 2))
        {
            throw new CliException(ExitCodes.BadInput, $"--entry-format: {entryFormat} is not an entry format; use 1 (v1 entries, the default) or 2 (v2 entries: pseudonymous subjects, chained history).");
        }
        if (encrypt && Encryption.MasterKey.FromEnvironment() is null)
        {
            throw new CliException(ExitCodes.BadInput, $"--encrypt-inputs: {Encryption.MasterKey.EnvironmentVariable} is not set; set it to base64 of 32 random bytes (e.g. export {Encryption.MasterKey.EnvironmentVariable}=$(openssl rand -base64 32)) and keep it outside the ledger directory.");
        }

        LedgerDirectory directory = await CreateAsync(path, origin, context.StoreFactory(parsed), cancellationToken, encrypt, entryFormat);

        TextWriter output = context.Environment.Out;
        if (context.Json(parsed))
        {
            await JsonOutput.WriteAsync(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("ledger", directory.Path);
                json.WriteString("origin", directory.Config.Origin);
                json.WriteString("verifierKey", directory.VerifierKey);
                json.WriteBoolean("encryptInputs", directory.Config.EncryptInputs);
                json.WriteNumber("entryFormat", directory.Config.EntryFormat);
                json.WriteEndObject();
            }, cancellationToken);
        }
        else
        {
            await output.WriteLineAsync($"Created ledger {directory.Path}");
            await output.WriteLineAsync($"  origin:       {directory.Config.Origin}");
            await output.WriteLineAsync($"  verifier key: {directory.VerifierKey}");
            if (directory.Config.EntryFormat != 1)
            {
                await output.WriteLineAsync($"  entry format: {directory.Config.EntryFormat}");
            }

            await output.WriteLineAsync("Give the verifier key to auditors; keep signing.key secret.");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Creates the directory, its keys and an empty database.</summary>
    internal static async Task<LedgerDirectory> CreateAsync(string path, string origin, Func<string, bool, ILedgerStore> storeFactory, CancellationToken cancellationToken, bool encryptInputs = false, int entryFormat = 1)
    {
        LedgerDirectory directory = LedgerDirectory.Create(path, new LedgerConfig { Origin = origin, EncryptInputs = encryptInputs, EntryFormat = entryFormat }, random: null);
        await using ILedgerStore store = storeFactory(directory.DatabasePath, false);
        await store.OpenAsync(cancellationToken);
        return directory;
    }
}
