using System.CommandLine;
using DecisionLedger.Randomness;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Witness;

/// <summary>
/// <c>witness init|key|serve</c>: runs a C2SP tlog-witness (c2sp.org/tlog-witness) that cosigns
/// the checkpoints of the ledgers it is told about, refusing rollbacks and forks.
/// </summary>
internal sealed class WitnessCommand(CommandContext context)
{
    private readonly Option<string> _initKey = KeyOption();
    private readonly Option<string> _keyKey = KeyOption();
    private readonly Option<string> _name = new("--name")
    {
        Description = "The witness's key name, written in its cosignature lines: a schema-less URL such as witness.example/w1.",
        Required = true,
    };

    private readonly WitnessServeCommand _serve = new(context);

    /// <summary>Defines the command and its subcommands.</summary>
    public Command Build()
    {
        var init = new Command("init", "Create the witness's Ed25519 key file (mode 0600) and print its verifier key.") { _name, _initKey };
        init.SetAction(InitAsync);
        var key = new Command("key", "Print the witness's verifier key, for the policies of those who trust it.") { _keyKey };
        key.SetAction(KeyAsync);
        return new Command("witness", "Run a C2SP tlog-witness: cosign the checkpoints of known ledgers, refusing rollbacks and forks.")
        {
            init,
            key,
            _serve.Build(),
        };
    }

    internal static Option<string> KeyOption() => new("--key")
    {
        Description = "The witness's secret key file (from 'dledger witness init').",
        Required = true,
    };

    private async Task<int> InitAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string name = parsed.GetRequiredValue(_name);
        WitnessSigner signer;
        try
        {
            signer = WitnessSigner.Generate(name, CryptographicRandomSource.Instance);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--name: {e.Message}", e);
        }

        string path = parsed.GetRequiredValue(_initKey);
        await WitnessKeyFile.WriteNewAsync(path, signer, cancellationToken);
        await context.Environment.Out.WriteLineAsync(signer.VerifierKey);
        return ExitCodes.Ok;
    }

    private async Task<int> KeyAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        WitnessSigner signer = await WitnessKeyFile.ReadAsync(parsed.GetRequiredValue(_keyKey), cancellationToken);
        await context.Environment.Out.WriteLineAsync(signer.VerifierKey);
        return ExitCodes.Ok;
    }
}
