using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DecisionLedger.Checkpoints;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using DecisionLedger.Witnessing;
using DecisionLedger.Witnessing.Receipts;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>proof upgrade [RECEIPTS|-] [--witness-policy FILE]</c>: adds <c>"witnessed"</c> (the published
/// checkpoint with its cosignatures, the inclusion proof against it, the consistency proof from the
/// receipt's own checkpoint, and the RFC 3161 tokens) to each receipt a checkpoint covering it was
/// published for. Every existing member is kept as it was; a receipt not covered yet is printed unchanged.
/// </summary>
internal sealed class ProofUpgradeCommand(CommandContext context)
{
    private readonly Argument<string> _receipts = new("RECEIPTS")
    {
        Description = "A file of receipts, one JSON object per line (as 'record' prints them), or '-' for standard input (the default).",
        DefaultValueFactory = _ => "-",
    };

    private readonly Option<string?> _policy = new("--witness-policy")
    {
        Description = "The tlog-policy file the ledger publishes under: a checkpoint counts once its cosignatures meet this quorum (default: quorum none, any signed checkpoint, e.g. to attach time stamps only).",
        HelpName = "FILE",
    };

    /// <summary>Defines the subcommand.</summary>
    public Command Build()
    {
        var command = new Command("upgrade", "Add the cosigned checkpoint, proofs and time-stamp tokens to receipts once a checkpoint covering them is published: {…,\"witnessed\":{…}}.") { _receipts, _policy };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        WitnessPolicy policy = ReadPolicy(parsed.GetValue(_policy));
        string file = parsed.GetValue(_receipts) ?? "-";
        string text = await ReadInputAsync(file, cancellationToken);
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        using var prover = new LedgerProver(session.Store);
        NoteVerifier key = session.Verifier;
        long total = 0;
        long upgraded = 0;
        var waiting = new List<string>();
        long number = 0;
        foreach (string line in text.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            total++;
            ProofReceipt receipt = Parse(line, number);
            long? ownSize = OwnSize(receipt, key, session.Origin, number);
            WitnessedProof? witnessed = await WitnessedProofs.FindAsync(session.Store, prover, policy, receipt.Seq, ownSize, cancellationToken);
            if (witnessed is not null && witnessed.Inclusion.LeafHash != receipt.LeafHash)
            {
                throw new CliException(ExitCodes.VerificationFailed, string.Create(CultureInfo.InvariantCulture,
                    $"line {number}: leafHash: {receipt.LeafHash.ToBase64()} is not the leaf hash of the ledger's entry at seq {receipt.Seq} ({witnessed.Inclusion.LeafHash.ToBase64()}); this receipt was not issued by this ledger for that entry, or it was altered."));
            }

            if (witnessed is null)
            {
                waiting.Add(string.Create(CultureInfo.InvariantCulture, $"line {number} (seq {receipt.Seq})"));
                await context.Environment.Out.WriteLineAsync(line.TrimEnd('\r'));
                continue;
            }

            upgraded++;
            await context.Environment.Out.WriteLineAsync(Upgrade(line, witnessed));
        }

        if (waiting.Count > 0)
        {
            await context.Environment.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{Plural.Of(waiting.Count, "receipt")} not upgraded yet, printed unchanged: no checkpoint covering {(waiting.Count == 1 ? "it" : "them")} has {policy.QuorumDescription} cosignatures yet ({string.Join(", ", waiting.Take(5))}{(waiting.Count > 5 ? ", …" : string.Empty)}); run 'proof upgrade' again once the witnesses have cosigned."));
        }
        else if (!context.Json(parsed))
        {
            await context.Environment.Error.WriteLineAsync($"upgraded {Plural.Of(upgraded, "receipt")} of {total}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// The receipt line with <c>"witnessed"</c> added last. A receipt without one keeps its exact bytes
    /// (the member is spliced in before the closing brace); an older <c>"witnessed"</c> is replaced.
    /// </summary>
    internal static string Upgrade(string line, WitnessedProof witnessed)
    {
        string member = JsonOutput.ToString(json => WitnessedProofJson.Write(json, witnessed));
        using JsonDocument document = JsonDocument.Parse(line);
        if (!document.RootElement.TryGetProperty(WitnessedProofJson.MemberName, out _))
        {
            string trimmed = line.TrimEnd();
            return trimmed[..^1] + ",\"" + WitnessedProofJson.MemberName + "\":" + member + "}";
        }

        return JsonOutput.ToString(json =>
        {
            json.WriteStartObject();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name != WitnessedProofJson.MemberName)
                {
                    property.WriteTo(json);
                }
            }

            json.WritePropertyName(WitnessedProofJson.MemberName);
            json.WriteRawValue(member, skipInputValidation: true);
            json.WriteEndObject();
        });
    }

    private static ProofReceipt Parse(string line, long number)
    {
        try
        {
            return ProofReceipt.Parse(line);
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.BadInput, $"line {number}: {e.Message}", e);
        }
    }

    private static long? OwnSize(ProofReceipt receipt, NoteVerifier key, string origin, long number)
    {
        if (receipt.Checkpoint is null)
        {
            return null;
        }

        try
        {
            return CheckpointNote.Open(receipt.Checkpoint, key, origin).Size;
        }
        catch (NoteVerificationException e)
        {
            throw new CliException(ExitCodes.VerificationFailed, $"line {number}: checkpoint: not signed by this ledger's key '{key.Name}' ({e.Reason}): {e.Message} Upgrade a receipt with the ledger that issued it.", e);
        }
    }

    private static WitnessPolicy ReadPolicy(string? file)
    {
        if (file is null)
        {
            return WitnessPolicy.Parse("quorum none\n");
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"--witness-policy: {Path.GetFullPath(file)} cannot be read ({e.Message}); pass the tlog-policy file the ledger publishes under.", e);
        }

        try
        {
            return WitnessPolicy.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--witness-policy: {Path.GetFullPath(file)} is not a witness policy: {e.Message}", e);
        }
    }

    private async Task<string> ReadInputAsync(string file, CancellationToken cancellationToken)
    {
        if (file == "-")
        {
            using var reader = new StreamReader(context.Environment.OpenInput(), new UTF8Encoding(false));
            return await reader.ReadToEndAsync(cancellationToken);
        }

        try
        {
            return await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"RECEIPTS: {Path.GetFullPath(file)} cannot be read ({e.Message}); pass a file of receipts, one per line, or '-' for standard input.", e);
        }
    }
}
