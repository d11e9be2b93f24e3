using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Bundles;
using DecisionLedger.Checkpoints;
using DecisionLedger.Cli.Output;
using DecisionLedger.Verification;
using DecisionLedger.Witnessing;
using System.Security.Cryptography.X509Certificates;

namespace DecisionLedger.Cli.Commands;

/// <summary><c>verify [--receipt FILE --key VKEY [--witness-policy FILE] [--tsa-roots PEMFILE]] [--bundle DIR --key VKEY [--witness-policy FILE] [--tsa-roots PEMFILE]] [--archive DIR|FILE [--key VKEY] [--tiles DIR]] [--from-checkpoint SIZE]</c>: full verification of a ledger (with its archives), an exported bundle, or archive files.</summary>
internal sealed class VerifyCommand(CommandContext context)
{
    private readonly Option<string?> _bundle = new("--bundle") { Description = "Verify this evidence bundle offline instead of the ledger.", HelpName = "DIR" };
    private readonly Option<string?> _key = new("--key") { Description = "The trusted verifier key string (or a file holding it); required with --bundle; with --archive, default the ledger's own key.", HelpName = "VKEY" };
    private readonly Option<string?> _receipt = new("--receipt") { Description = "Verify the proof receipts in this file offline (one JSON object per line, as 'record --proofs' or 'proof upgrade' print them); needs --key.", HelpName = "FILE" };
    private readonly Option<string?> _archive = new("--archive") { Description = "Verify archive files offline instead of the ledger: a directory 'dledger archive' wrote to, or one .parquet file.", HelpName = "DIR|FILE" };
    private readonly Option<string?> _tiles = new("--tiles") { Description = "With --archive: a directory from 'dledger export --tiles'; every archived row's leaf is checked against its signed tiles.", HelpName = "DIR" };
    private readonly Option<bool> _strict = new("--strict") { Description = "Also check every entry is in RFC 8785 canonical form (slower; audits the writer itself)." };
    private readonly Option<string?> _trusted = new("--trusted") { Description = "A signed checkpoint note you kept from an earlier look at this ledger: the ledger must still extend it (a rollback is reported).", HelpName = "NOTE" };
    private readonly Option<string?> _trustedFile = new("--trusted-file") { Description = "A file holding the signed checkpoint note you kept (the output of 'dledger checkpoint').", HelpName = "FILE" };
    private readonly Option<long?> _fromCheckpoint = new("--from-checkpoint") { Description = "Verify incrementally from a checkpoint of this size verified earlier.", HelpName = "SIZE" };
    private readonly BundleAttestationOptions _attestations = new();

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("verify", "Verify every leaf, checkpoint, signature and stored input of the ledger, or of an evidence bundle.") { _bundle, _receipt, _archive, _tiles, _key, _fromCheckpoint, _strict, _trusted, _trustedFile, _attestations.WitnessPolicy, _attestations.TsaRoots };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        bool json = context.Json(parsed);
        string? bundle = parsed.GetValue(_bundle);
        VerificationReport report;
        BundleAttestationReport? attested = null;
        string subject;
        if (parsed.GetValue(_receipt) is { } receipts)
        {
            if (bundle is not null || parsed.GetValue(_archive) is not null || parsed.GetValue(_tiles) is not null || parsed.GetValue(_fromCheckpoint) is not null || parsed.GetValue(_trusted) is not null || parsed.GetValue(_trustedFile) is not null)
            {
                throw new CliException(ExitCodes.BadInput, "--receipt: checks receipts on their own; it combines only with --key, --witness-policy and --tsa-roots.");
            }

            string receiptKey = parsed.GetValue(_key)
                ?? throw new CliException(ExitCodes.BadInput, "--key: required with --receipt; pass the ledger's verifier key string (from 'dledger key'), obtained from a source you trust, not from the receipt.");
            (WitnessPolicy? receiptPolicy, X509Certificate2Collection? receiptRoots) = _attestations.Read(parsed);
            return await ReceiptCheck.RunAsync(context, json, receipts, ReadKey(receiptKey), receiptPolicy, receiptRoots, cancellationToken);
        }

        if (parsed.GetValue(_archive) is { } archive)
        {
            if (bundle is not null || parsed.GetValue(_fromCheckpoint) is not null || parsed.GetValue(_trusted) is not null || parsed.GetValue(_trustedFile) is not null || _attestations.Any(parsed))
            {
                throw new CliException(ExitCodes.BadInput, "--archive: checks archive files on their own; it cannot be combined with --bundle, --from-checkpoint, --trusted, --witness-policy or --tsa-roots.");
            }

            (subject, report) = await ArchiveCheck.RunAsync(context, parsed, archive, parsed.GetValue(_key) is { } k ? ReadKey(k) : null, parsed.GetValue(_tiles), cancellationToken);
            await WriteReportAsync(context.Environment.Out, json, subject, report, cancellationToken);
            return report.Passed ? ExitCodes.Ok : ExitCodes.VerificationFailed;
        }

        if (parsed.GetValue(_tiles) is not null)
        {
            throw new CliException(ExitCodes.BadInput, "--tiles: only used with --archive; pass --archive DIR|FILE too.");
        }

        if (bundle is not null)
        {
            string key = parsed.GetValue(_key)
                ?? throw new CliException(ExitCodes.BadInput, "--key: required with --bundle; pass the ledger's verifier key string (from 'dledger key'), obtained from a source you trust, not from the bundle.");
            if (parsed.GetValue(_trusted) is not null || parsed.GetValue(_trustedFile) is not null)
            {
                throw new CliException(ExitCodes.BadInput, "--trusted/--trusted-file: only used when verifying a ledger; a bundle carries its own signed checkpoint.");
            }

            if (parsed.GetValue(_fromCheckpoint) is not null)
            {
                throw new CliException(ExitCodes.BadInput, "--from-checkpoint: only used when verifying a ledger; a bundle is always verified whole.");
            }

            string full = Path.GetFullPath(bundle);
            if (!Directory.Exists(full))
            {
                throw new CliException(ExitCodes.StoreFailure, $"{full}: no such bundle directory; pass the --out directory of 'dledger export'.");
            }

            subject = full;
            (WitnessPolicy? policy, X509Certificate2Collection? roots) = _attestations.Read(parsed);
            key = ReadKey(key);
            report = await VerifyBundleAsync(full, key, cancellationToken);
            if (report.Passed && (policy is not null || roots is not null))
            {
                attested = await BundleAttestationVerifier.VerifyAsync(full, key, policy, roots, cancellationToken);
            }
        }
        else
        {
            if (_attestations.Any(parsed))
            {
                throw new CliException(ExitCodes.BadInput, "--witness-policy/--tsa-roots: only used with --bundle or --receipt; they check the cosignatures and time stamps an evidence bundle or a receipt carries.");
            }

            if (parsed.GetValue(_key) is not null)
            {
                throw new CliException(ExitCodes.BadInput, "--key: only used with --bundle; a ledger is verified against its own key.");
            }

            string? trusted = await ReadTrustedAsync(parsed, cancellationToken);
            subject = context.LedgerPath(parsed);
            try
            {
                (subject, report) = await VerifyLedgerAsync(parsed, json, trusted, cancellationToken);
            }
            catch (Exception e) when (e is not CliException && StoreDamage.IsDamage(e))
            {
                report = new VerificationReport(false, 0, 0, 0, 0, null, new TamperFinding(0, TamperKind.StoreDamaged, $"The ledger's database cannot be read back as a ledger: {e.Message} A database damaged like this was altered or corrupted outside DecisionLedger; where the first bad entry is cannot be told."), TimeSpan.Zero);
            }
        }

        await WriteReportAsync(context.Environment.Out, json, subject, report, cancellationToken, attested);
        return report.Passed && attested?.Passed != false ? ExitCodes.Ok : ExitCodes.VerificationFailed;
    }

    /// <summary>Prints a report: one JSON document, or a few lines naming the first bad seq and kind.</summary>
    internal static async Task WriteReportAsync(TextWriter output, bool json, string subject, VerificationReport report, CancellationToken cancellationToken, BundleAttestationReport? attested = null)
    {
        bool passed = report.Passed && attested?.Passed != false;
        if (json)
        {
            await JsonOutput.WriteAsync(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("verified", subject);
                w.WriteBoolean("passed", passed);
                w.WriteNumber("treeSize", report.TreeSize);
                if (report.Root is { } root)
                {
                    w.WriteString("rootHash", root.ToBase64());
                }
                else
                {
                    w.WriteNull("rootHash");
                }

                w.WriteNumber("entriesVerified", report.EntriesVerified);
                w.WriteNumber("checkpointsVerified", report.CheckpointsVerified);
                w.WriteNumber("inputsVerified", report.InputsVerified);
                w.WriteNumber("inputsNotChecked", report.InputsNotChecked);
                w.WriteNumber("inputsWithheld", report.InputsWithheld);
                if (report.UncoveredTail is { AfterCleanClose: false } tail)
                {
                    // A note, not a finding: a crash or a running recorder left entries the next checkpoint covers.
                    w.WriteStartObject("uncoveredTail");
                    w.WriteNumber("firstSeq", tail.FirstSeq);
                    w.WriteNumber("count", tail.Count);
                    w.WriteEndObject();
                }

                if (report.Expired is { } expired)
                {
                    // Not a finding: archive files the retention policy deleted, their leaves still verified from the tiles.
                    w.WriteStartObject("expiredByRetention");
                    w.WriteNumber("decisions", expired.Decisions);
                    w.WriteNumber("files", expired.Files);
                    w.WriteStartArray("archiveExpirySeqs");
                    foreach (long seq in expired.EventSeqs)
                    {
                        w.WriteNumberValue(seq);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                if (report.Completeness is { } proven)
                {
                    w.WriteStartObject("completeness");
                    w.WriteString("key", proven.Key);
                    w.WriteBoolean("complete", true);
                    w.WriteNumber("found", proven.Found);
                    w.WriteNumber("expected", proven.Expected);
                    w.WriteNumber("upperHeadsSeq", proven.UpperHeadsSeq);
                    if (proven.LowerHeadsSeq is { } lowerSeq)
                    {
                        w.WriteNumber("lowerHeadsSeq", lowerSeq);
                        w.WriteString("from", proven.From!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
                    }

                    w.WriteString("to", proven.To.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
                    w.WriteEndObject();
                }

                if (report.FirstFinding is { } finding)
                {
                    w.WriteStartObject("firstFinding");
                    w.WriteNumber("seq", finding.Seq);
                    w.WriteString("kind", KindName(finding.Kind));
                    w.WriteString("detail", finding.Detail);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("firstFinding");
                }

                if (attested is not null)
                {
                    BundleAttestationOptions.WriteJson(w, attested);
                }

                w.WriteNumber("elapsedMs", Math.Round(report.Elapsed.TotalMilliseconds, 1));
                w.WriteEndObject();
            }, cancellationToken);
            return;
        }

        if (report.Passed && !passed)
        {
            await output.WriteLineAsync($"FAILED  {subject}");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {Plural.Entries(report.EntriesVerified)} and the ledger's signature verified, but what outsiders attested about the checkpoint (tree size {report.TreeSize}) does not:"));
            await BundleAttestationOptions.WriteTextAsync(output, attested!);
        }
        else if (report.Passed)
        {
            await output.WriteLineAsync($"PASSED  {subject}");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {Plural.Entries(report.EntriesVerified)}, {Plural.Of(report.CheckpointsVerified, "checkpoint")}, {Plural.Of(report.InputsVerified, "stored input")} verified in {report.Elapsed.TotalSeconds:0.###} s"));
            await output.WriteLineAsync($"  tree size {report.TreeSize}, root {report.Root?.ToBase64() ?? "-"}");
            if (report.Completeness is { } proven)
            {
                string window = proven.LowerHeadsSeq is { } lower
                    ? string.Create(CultureInfo.InvariantCulture, $"recorded between the heads entries at seq {lower} ({proven.From:yyyy-MM-dd HH:mm:ss}Z) and seq {proven.UpperHeadsSeq} ({proven.To:yyyy-MM-dd HH:mm:ss}Z)")
                    : string.Create(CultureInfo.InvariantCulture, $"up to the heads entry at seq {proven.UpperHeadsSeq}");
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  complete: yes ({proven.Found} of {proven.Expected}): every entry of the chain {proven.Key} {window} is in the bundle"));
            }

            if (report.InputsWithheld > 0)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {Plural.Of(report.InputsWithheld, "decision")} {(report.InputsWithheld == 1 ? "has" : "have")} no input in the bundle (erased or encrypted when exported); the manifest declares them withheld, which is allowed"));
            }

            if (report.InputsNotChecked > 0)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {Plural.Of(report.InputsNotChecked, "stored input")} not checked (encrypted); set {Encryption.MasterKey.EnvironmentVariable} to check them"));
            }

            if (report.Expired is { } expired)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  expired by retention policy: {Plural.Of(expired.Decisions, "decision")} in {Plural.Of(expired.Files, "file")} (archive-expiry seq {string.Join(", ", expired.EventSeqs)}); their bodies were deleted, their leaves still verified against the tiles and signed roots"));
            }

            if (report.UncoveredTail is { AfterCleanClose: false } tail)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  note: {Plural.Entries(tail.Count)} from seq {tail.FirstSeq} on {(tail.Count == 1 ? "is" : "are")} not yet covered by a signed checkpoint (a recorder is running, or the last one stopped without a clean close); the next recorder to open the ledger covers them"));
            }

            if (attested is not null)
            {
                await BundleAttestationOptions.WriteTextAsync(output, attested);
            }
        }
        else
        {
            TamperFinding finding = report.FirstFinding!;
            await output.WriteLineAsync($"FAILED  {subject}");
            await output.WriteLineAsync($"  first bad seq {finding.Seq}: {KindName(finding.Kind)}");
            await output.WriteLineAsync($"  {finding.Detail}");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {Plural.Entries(report.EntriesVerified)} and {Plural.Of(report.CheckpointsVerified, "checkpoint")} verified before it"));
        }
    }

    /// <summary>The kind as scripts see it: kebab-case, e.g. <c>content-changed</c>.</summary>
    internal static string KindName(TamperKind kind)
    {
        string name = kind.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    private async Task<VerificationReport> VerifyBundleAsync(string bundle, string key, CancellationToken cancellationToken)
    {
        try
        {
            // Parsed here so a malformed key is bad usage (exit 2), never a verification failure.
            _ = NoteVerifier.Parse(key);
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--key: not a verifier key string ({e.Message}); pass the output of 'dledger key' (name+keyid+base64key) or a file holding it.", e);
        }

        try
        {
            return await new EvidenceBundleVerifier(context.Environment.Time).VerifyAsync(bundle, key, cancellationToken);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException(ExitCodes.StoreFailure, $"{bundle}: the bundle is incomplete, {Path.GetFileName(e.FileName) ?? "a file"} is missing; export it again with 'dledger export --out DIR'.", e);
        }
        catch (JsonException e)
        {
            // A bundle whose manifest cannot be read cannot be verified: report it as a failed verification.
            throw new CliException(ExitCodes.VerificationFailed, $"{bundle}: manifest.json is not valid JSON ({e.Message}); the bundle is damaged or was altered.", e);
        }
    }

    private async Task<(string Subject, VerificationReport Report)> VerifyLedgerAsync(ParseResult parsed, bool json, string? trusted, CancellationToken cancellationToken)
    {
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: false, cancellationToken, openStore: false);
        if (trusted is not null)
        {
            CheckTrusted(trusted, session);
        }

        var options = new VerificationOptions
        {
            FromCheckpoint = parsed.GetValue(_fromCheckpoint),
            CheckCanonicalForm = parsed.GetValue(_strict),
            TimeProvider = context.Environment.Time,
            MasterKey = Encryption.MasterKey.FromEnvironment(),
            TrustedCheckpoint = trusted,
            OpenArchiveDestination = ArchiveView.OpenDestination,
        };
        VerificationReport report = await VerifyProgressReporter.RunAsync(
            context.Environment, json,
            progress => new LedgerVerifier().VerifyAsync(session.Store, session.Verifier, session.Origin, options, progress, cancellationToken).AsTask());
        return (session.Directory.Path, report);
    }

    private async Task<string?> ReadTrustedAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string? note = parsed.GetValue(_trusted);
        string? file = parsed.GetValue(_trustedFile);
        if (note is not null && file is not null)
        {
            throw new CliException(ExitCodes.BadInput, "--trusted and --trusted-file: pass one of them, not both.");
        }

        if (file is null)
        {
            return note;
        }

        try
        {
            return await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"--trusted-file: {Path.GetFullPath(file)} cannot be read ({e.Message}); pass the file you saved the output of 'dledger checkpoint' to.", e);
        }
    }

    // Checked before the long pass: a note that does not verify is a wrong argument, not a finding about the ledger.
    private static void CheckTrusted(string note, LedgerSession session)
    {
        try
        {
            _ = CheckpointNote.Open(note, session.Verifier, session.Origin);
        }
        catch (NoteVerificationException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--trusted: the checkpoint you passed does not verify with this ledger's key '{session.Verifier.Name}' for origin '{session.Origin}' ({e.Reason}): {e.Message} Pass a checkpoint this ledger signed, as printed by 'dledger checkpoint'.", e);
        }
    }

    /// <summary>Reads a <c>--key</c> value: the key string itself, or a file holding it.</summary>
    internal static string ReadKey(string key)
    {
        // A verifier key string always contains '+'; anything else is taken as a file holding one.
        if (!key.Contains('+', StringComparison.Ordinal) && File.Exists(key))
        {
            try
            {
                return File.ReadAllText(key).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.BadInput, $"--key: the key file {Path.GetFullPath(key)} cannot be read ({e.Message}); pass the verifier key string itself or a readable file.", e);
            }
        }

        return key.Trim();
    }
}
