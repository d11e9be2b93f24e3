using System.CommandLine;
using DecisionLedger.Cli.Output;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Server;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>proof inclusion|consistency</c>: RFC 9162 proofs as JSON, in both output modes.</summary>
internal sealed class ProofCommand(CommandContext context)
{
    private readonly Option<long> _seq = new("--seq") { Description = "The entry to prove.", HelpName = "N", Required = true };
    private readonly Option<long?> _treeSize = new("--tree-size") { Description = "The tree size to prove against (default: the latest checkpoint's).", HelpName = "M" };
    private readonly Option<long> _from = new("--from") { Description = "The older tree size.", HelpName = "M", Required = true };
    private readonly Option<long> _to = new("--to") { Description = "The newer tree size.", HelpName = "N", Required = true };

    /// <summary>Defines the command and its two subcommands.</summary>
    public Command Build()
    {
        var inclusion = new Command("inclusion", "Prove an entry is in the tree of a checkpoint: {\"leafIndex\",\"treeSize\",\"leafHash\",\"hashes\"}.") { _seq, _treeSize };
        inclusion.SetAction(InclusionAsync);
        var consistency = new Command("consistency", "Prove an older tree is a prefix of a newer one: {\"from\",\"to\",\"hashes\"}.") { _from, _to };
        consistency.SetAction(ConsistencyAsync);
        return new Command("proof", "Print an inclusion or consistency proof as JSON; upgrade receipts with their cosigned checkpoint.") { inclusion, consistency, new ProofUpgradeCommand(context).Build() };
    }

    /// <summary>Writes an inclusion proof in the shape of DESIGN.md (also one line of a bundle's proofs.jsonl).</summary>
    internal static void WriteInclusion(System.Text.Json.Utf8JsonWriter json, InclusionProof proof) => ProofJson.WriteInclusion(json, proof);

    private async Task<int> InclusionAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        long seq = parsed.GetValue(_seq);
        long? treeSize = parsed.GetValue(_treeSize);
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        using var prover = new LedgerProver(session.Store);
        InclusionProof proof = await prover.ProveInclusionAsync(seq, treeSize, cancellationToken);
        await JsonOutput.WriteAsync(context.Environment.Out, json => WriteInclusion(json, proof), cancellationToken);
        return ExitCodes.Ok;
    }

    private async Task<int> ConsistencyAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        long from = parsed.GetValue(_from);
        long to = parsed.GetValue(_to);
        if (from <= 0 || from > to)
        {
            throw new CliException(ExitCodes.BadInput, $"--from: {from} must satisfy 0 < from <= to ({to}); pass two tree sizes of checkpoints, older first.");
        }

        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken);
        using var prover = new LedgerProver(session.Store);
        ConsistencyProof proof = await prover.ProveConsistencyAsync(from, to, cancellationToken);
        await JsonOutput.WriteAsync(context.Environment.Out, json => ProofJson.WriteConsistency(json, proof), cancellationToken);
        return ExitCodes.Ok;
    }
}
