using System.CommandLine;
using DecisionLedger.Archiving;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Retention;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>retention show [--policy FILE]</c> and <c>retention apply [--dry-run] [--to DIR] [--policy FILE]</c>:
/// the effective policy per model, the legal holds and what is due; apply runs the archiving due.
/// </summary>
internal sealed class RetentionCommand(CommandContext context)
{
    private readonly Option<string?> _policy = new("--policy") { Description = "Read the retention policy from this JSON file ({\"retention\":{…}}) instead of ledger.json.", HelpName = "FILE" };

    private readonly Option<string?> _to = new("--to") { Description = "apply: where the due decisions are archived (DIR, dir:DIR or s3://bucket/prefix); without it, apply only deletes the stored inputs due.", HelpName = "DIR|s3://bucket/prefix" };

    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "apply: print what would move and what would be deleted; change nothing." };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var show = new Command("show", "Print the effective retention policy per model, the legal holds, and what is due now.") { _policy };
        show.SetAction((parsed, cancellationToken) => ExecuteAsync(parsed, apply: false, cancellationToken));
        var apply = new Command("apply", "Run what the retention policy makes due: finish an interrupted archive run, delete stored inputs past 'inputs' (not under a legal hold), archive decisions past 'live' (--to). With --dry-run, only print it.") { _policy, _to, _dryRun };
        apply.SetAction((parsed, cancellationToken) => ExecuteAsync(parsed, apply: true, cancellationToken));
        return new Command("retention", "Retention policy: what stays live, what moves to the archive, what may be deleted, and the legal holds.") { show, apply };
    }

    /// <summary>Loads the policy from <paramref name="file"/>, else from the ledger's ledger.json; floor overrides are reported on stderr by the caller.</summary>
    /// <exception cref="CliException">The file is missing or the policy invalid; the message names the field.</exception>
    internal static RetentionPolicy LoadPolicy(LedgerDirectory directory, string? file)
    {
        string path = file ?? Path.Combine(directory.Path, LedgerDirectory.ConfigFileName);
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.BadInput, $"--policy: {path} does not exist; pass a JSON file holding {{\"retention\":{{…}}}}.");
        }

        try
        {
            return RetentionPolicyParser.Parse(File.ReadAllText(path), path);
        }
        catch (RetentionPolicyException e)
        {
            throw new CliException(ExitCodes.BadInput, $"{path}: {e.Message}");
        }
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, bool apply, CancellationToken cancellationToken)
    {
        bool dryRun = !apply || parsed.GetValue(_dryRun);
        string? to = parsed.GetValue(_to);
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: !dryRun, cancellationToken);
        RetentionPolicy policy = LoadPolicy(session.Directory, parsed.GetValue(_policy));
        TextWriter output = context.Environment.Out;
        foreach ((string rule, FloorOverride granted) in policy.Overrides)
        {
            await context.Environment.Error.WriteLineAsync($"warning: retention rule '{rule}' keeps archived data below the legal floor {policy.LegalFloor} by override (reason \"{granted.Reason}\", by {granted.By})");
        }

        if (!apply)
        {
            await PrintPolicyAsync(output, policy);
        }

        DateTimeOffset now = context.Environment.Time.GetUtcNow();
        if (session.Store is not IArchivedRangeStore ranges)
        {
            throw new CliException(ExitCodes.BadInput, "retention: this store cannot archive yet (only the SQLite store can).");
        }

        ArchivePlan? plan = await ArchivePlanner.PlanAsync(session.Store, ranges, c => policy.IsArchiveDue(c, now), int.MaxValue, cancellationToken);
        InputRetentionPlan inputs = await InputRetentionPlanner.PlanAsync(session.Store, policy, now, cancellationToken);
        await PrintDueAsync(output, plan, inputs);
        await PrintArchivedInputsDueAsync(output, await ArchivedInputRetention.PlanAsync(session.Store, ArchiveView.OpenDestination, session.Verifier, policy, now, cancellationToken));
        await PrintExpiryDueAsync(output, await PlanExpiryAsync(session, policy, now, cancellationToken));
        if (dryRun)
        {
            return ExitCodes.Ok;
        }

        IArchiveDestination? destination = to is null ? null : ArchiveCommand.OpenDestination(to);
        using IDisposable? ownsClient = destination as IDisposable;
        DecisionRecorder recorder = await session.StartRecorderAsync(context.Environment.Time, cancellationToken);
        try
        {
            var runner = new RetentionRunner(session.Store, ranges, session.Directory.Signer, recorder, ArchiveView.OpenDestination);
            RetentionRunResult result = await runner.RunAsync(destination, c => policy.IsArchiveDue(c, now), policy, now, cancellationToken);
            await PrintRecoveredAsync(context.Environment.Error, result.Recovered);
            await output.WriteLineAsync(result.InputsDeleted is { } inputsDeleted
                ? $"deleted {Output.Plural.Of(inputsDeleted.Deleted, "stored input")} past their 'inputs' duration; input-retention entry seq {inputsDeleted.EventSeq}" + (inputsDeleted.Held == 0 ? string.Empty : $" ({inputsDeleted.Held} kept by legal holds)")
                : "deleted no stored inputs: none is due");
            foreach (ArchiveRunResult run in result.Archived)
            {
                await output.WriteLineAsync($"archived {run.RemovedRows} decisions (seqs {run.FirstSeq}-{run.LastSeq}) into {run.Files.Count} files at {run.Destination}; archived entry seq {run.EventSeq}");
            }

            await PrintArchivedInputsDeletedAsync(output, context.Environment.Error, result.ArchivedInputsDeleted);
            await PrintExpiredAsync(output, result.ArchivesExpired);

            if (destination is null && plan is not null)
            {
                await output.WriteLineAsync("archived nothing: pass --to DIR|s3://bucket/prefix to archive the decisions due");
            }
        }
        catch (ArchiveReadBackException e)
        {
            throw new CliException(ExitCodes.StoreFailure, $"retention apply: {e.Message} The live store is unchanged for this run.");
        }
        finally
        {
            await recorder.DisposeAsync();
        }

        return ExitCodes.Ok;
    }

    /// <summary>Prints what recovery did with archive runs a crash interrupted (nothing when there were none).</summary>
    internal static async Task PrintRecoveredAsync(TextWriter error, IReadOnlyList<ArchiveRecoveryOutcome> recovered)
    {
        foreach (ArchiveRecoveryOutcome outcome in recovered)
        {
            await error.WriteLineAsync(outcome.Completed
                ? $"completed an interrupted archive run: seqs {outcome.FirstSeq}-{outcome.LastSeq} (archived entry seq {outcome.EventSeq}), {outcome.RemovedRows} decision bodies left the live store"
                : $"warning: rolled back an interrupted archive run, seqs {outcome.FirstSeq}-{outcome.LastSeq} (archived entry seq {outcome.EventSeq}) stay live and are archived again: {outcome.Problem}");
        }
    }

    private static async Task<ArchiveExpiryPlan> PlanExpiryAsync(LedgerSession session, RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await ArchiveExpiryPlanner.PlanAsync(session.Store, session.Verifier, ArchiveView.OpenDestination, policy, now, cancellationToken);
        }
        catch (RetentionPolicyException e)
        {
            throw new CliException(ExitCodes.BadInput, e.Message);
        }
    }

    private static async Task PrintExpiryDueAsync(TextWriter output, ArchiveExpiryPlan expiry)
    {
        await output.WriteLineAsync(expiry.Due.Count == 0
            ? "archive files due for deletion (past keep): none"
            : $"archive files due for deletion (past keep): {expiry.Due.Count}, {Output.Plural.Of(expiry.DueDecisions, "decision")}");
        foreach (ExpiredArchiveFile file in expiry.Due)
        {
            await output.WriteLineAsync($"  {file.File} in {file.Destination}: seqs {file.FirstSeq}-{file.LastSeq}, {Output.Plural.Of(file.Rows, "decision")}");
        }

        foreach (HeldArchiveFile held in expiry.Held)
        {
            await output.WriteLineAsync($"  kept by the {held.Hold.Describe()}: {held.File.File} in {held.File.Destination} (past keep; seq {held.Seq} is held)");
        }

        foreach (Archiving.ExpiredCatalogFile pending in expiry.Pending)
        {
            await output.WriteLineAsync($"  still to delete: {pending.File.File} in {pending.File.Destination} (archive-expiry entry seq {pending.ExpiryEventSeq}; a run stopped before deleting it)");
        }
    }

    private static async Task PrintExpiredAsync(TextWriter output, ArchiveExpiryResult? expired)
    {
        if (expired is null)
        {
            return;
        }

        if (expired.Completed > 0)
        {
            await output.WriteLineAsync($"finished deleting {Output.Plural.Of(expired.Completed, "archive file")} an earlier run recorded as expired");
        }

        string held = expired.Held == 0 ? string.Empty : $" ({Output.Plural.Of(expired.Held, "file")} past keep kept by legal holds)";
        await output.WriteLineAsync(expired.EventSeq is { } eventSeq
            ? $"deleted {Output.Plural.Of(expired.Deleted.Count, "archive file")} ({Output.Plural.Of(expired.Decisions, "decision")}) past their 'keep' duration; archive-expiry entry seq {eventSeq}{held}"
            : $"deleted no archive files: none is past its 'keep' duration{held}");
    }

    private static async Task PrintPolicyAsync(TextWriter output, RetentionPolicy policy)
    {
        await output.WriteLineAsync($"legal floor for keep: {policy.LegalFloor}");
        await output.WriteLineAsync($"{"model",-24} {"live",-8} {"inputs",-8} {"keep",-8}");
        await output.WriteLineAsync(Row("(default)", policy.Default, policy.Overrides.GetValueOrDefault("default")));
        foreach (string model in policy.Models.Keys.Order(StringComparer.Ordinal))
        {
            await output.WriteLineAsync(Row(model, policy.RuleFor(model), policy.Overrides.GetValueOrDefault(model)));
        }

        await output.WriteLineAsync(policy.Holds.Count == 0 ? "legal holds: none" : "legal holds:");
        foreach (LegalHold hold in policy.Holds)
        {
            await output.WriteLineAsync($"  {hold.Describe()}: blocks input deletion and keep expiry; archiving still allowed");
        }
    }

    private static string Row(string model, RetentionRule rule, FloorOverride? granted) =>
        $"{model,-24} {rule.Live?.Text ?? "never",-8} {rule.Inputs?.Text ?? "never",-8} {rule.Keep?.Text ?? "never",-8}"
        + (granted is null ? string.Empty : $" (below the floor by override: {granted.Reason}, by {granted.By})");

    private static async Task PrintDueAsync(TextWriter output, ArchivePlan? plan, InputRetentionPlan inputs)
    {
        if (plan is null)
        {
            await output.WriteLineAsync("archive due: nothing");
        }
        else
        {
            await output.WriteLineAsync($"archive due: seqs {plan.FirstSeq}-{plan.LastSeq}, {plan.Decisions} decisions, {plan.Bytes} bytes leave the live store");
            foreach (IGrouping<(string? Model, string Month), ArchivePlanGroup> group in plan.Groups.GroupBy(g => (g.Model, g.Month)))
            {
                await output.WriteLineAsync($"  {group.Key.Model ?? ArchivePaths.NoModelFolder} {group.Key.Month}: {group.Sum(g => g.Rows.Count)} decisions, {group.Sum(g => g.Bytes)} bytes");
            }
        }

        await output.WriteLineAsync($"inputs due for deletion: {inputs.Due.Count}" + (inputs.Held.Count == 0 ? string.Empty : $" ({inputs.Held.Count} more kept by legal holds)"));
        foreach (((string? model, string month), (long count, long bytes)) in inputs.ByModelAndMonth.OrderBy(g => g.Key.Model ?? string.Empty, StringComparer.Ordinal).ThenBy(g => g.Key.Month, StringComparer.Ordinal))
        {
            await output.WriteLineAsync($"  {model ?? ArchivePaths.NoModelFolder} {month}: {count} inputs, {bytes} bytes");
        }

        foreach (IGrouping<LegalHold, (long Seq, LegalHold Hold)> held in inputs.Held.GroupBy(h => h.Hold))
        {
            await output.WriteLineAsync($"  kept by the {held.Key.Describe()}: {held.Count()} inputs");
        }
    }

    private static async Task PrintArchivedInputsDueAsync(TextWriter output, ArchivedInputRetentionPlan archived)
    {
        await output.WriteLineAsync($"archived inputs due for deletion: {archived.Due.Count} in {Output.Plural.Of(archived.Files.Count, "archive file")}" + (archived.Held.Count == 0 ? string.Empty : $" ({archived.Held.Count} more kept by legal holds)"));
        foreach (IGrouping<LegalHold, (long Seq, LegalHold Hold)> held in archived.Held.GroupBy(h => h.Hold))
        {
            await output.WriteLineAsync($"  kept by the {held.Key.Describe()}: {held.Count()} archived inputs");
        }

        foreach (string damaged in archived.Damaged)
        {
            await output.WriteLineAsync($"  not removable until restored (run 'dledger verify'): {damaged}");
        }
    }

    private static async Task PrintArchivedInputsDeletedAsync(TextWriter output, TextWriter error, ArchivedInputDeletionResult? deleted)
    {
        if (deleted is null)
        {
            return;
        }

        await output.WriteLineAsync(
            $"removed {Output.Plural.Of(deleted.Deleted, "archived input")} past their 'inputs' duration from {Output.Plural.Of(deleted.Files, "archive file")}; input-retention entry seq {deleted.EventSeq}, archive-rewrite entry seq {string.Join(", ", deleted.RewriteSeqs)}"
            + (deleted.Held == 0 ? string.Empty : $" ({deleted.Held} kept by legal holds)"));
        foreach (string damaged in deleted.Damaged)
        {
            await error.WriteLineAsync($"warning: archived inputs due were not removed from a file that fails its checks (run 'dledger verify'): {damaged}");
        }
    }
}
