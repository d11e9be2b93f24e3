using System.CommandLine;
using System.Globalization;
using DecisionLedger.Cli.Output;
using DecisionLedger.Entries;
using DecisionLedger.Recording;
using DecisionLedger.Replay;
using DecisionLedger.Replay.MLNet;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>replay --seq N | --request-id ID | --model M [--version V] [--from T] [--to T] [--sample K]
/// (--artifacts DIR|s3://bucket/prefix | --endpoint URL) [--tolerance PATH=X]… [--map PATH=$.PATH]…</c>: re-scores stored
/// inputs, compares each new output with the recorded one, and records the run as a <c>replay</c> event.
/// </summary>
internal sealed class ReplayCommand(CommandContext context)
{
    private readonly Option<long?> _seq = new("--seq") { Description = "Replay the decision at this seq.", HelpName = "N" };
    private readonly Option<string?> _requestId = new("--request-id") { Description = "Replay the decision with this request id.", HelpName = "ID" };
    private readonly Option<string?> _model = new("--model") { Description = "Replay this model's decisions (exact name), narrowed by --version, --from, --to, --sample.", HelpName = "NAME" };
    private readonly Option<string?> _version = new("--version") { Description = "With --model: only this model version.", HelpName = "VERSION" };
    private readonly Option<string?> _from = new("--from") { Description = "With --model: decisions at or after this RFC 3339 time.", HelpName = "TIME" };
    private readonly Option<string?> _to = new("--to") { Description = "With --model: decisions before this RFC 3339 time.", HelpName = "TIME" };
    private readonly Option<int?> _sample = new("--sample") { Description = "With --model: replay a uniform random sample of K decisions (without it, at most 10,000).", HelpName = "K" };
    private readonly Option<int> _seed = new("--seed") { Description = "The seed of --sample, so a sample can be drawn again. Default 0.", HelpName = "N" };
    private readonly Option<string?> _artifacts = new("--artifacts") { Description = "A directory or s3://bucket/prefix of model files named by their SHA-256 (HEX or HEX.zip); each decision's model.artifactDigest picks its file, loaded in process (ML.NET). S3 objects are checked against the digest on download.", HelpName = "DIR|S3URI" };
    private readonly Option<string?> _endpoint = new("--endpoint") { Description = "POST each stored input to this URL and compare its JSON response.", HelpName = "URL" };
    private readonly Option<string[]> _tolerance = new("--tolerance") { Description = "Absolute tolerance for numbers: PATH=X for one output path (output.score=1e-6), a bare X for every other number. Default 1e-6.", HelpName = "PATH=X", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string[]> _map = new("--map") { Description = "Compare the recorded output at PATH with the response at $.PATH (output.fraud=$.PredictedLabel). Unmapped members are read from the response member of the same name.", HelpName = "PATH=$.PATH" };
    private readonly Option<int> _timeout = new("--timeout") { Description = "Seconds to wait for each --endpoint response. Default 30.", HelpName = "SECONDS", DefaultValueFactory = _ => 30 };
    private readonly Option<bool> _noRecord = new("--no-record") { Description = "Do not record the run as a replay event (read-only ledgers)." };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        var command = new Command("replay", "Re-score stored inputs with the model and compare each new output with the recorded one; the run is recorded as a replay event.")
        {
            _seq, _requestId, _model, _version, _from, _to, _sample, _seed, _artifacts, _endpoint, _tolerance, _map, _timeout, _noRecord,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        var selection = new ReplaySelection
        {
            Seq = parsed.GetValue(_seq),
            RequestId = parsed.GetValue(_requestId),
            Model = parsed.GetValue(_model),
            Version = parsed.GetValue(_version),
            From = FilterOptions.ParseTime(parsed.GetValue(_from), "--from"),
            To = FilterOptions.ParseTime(parsed.GetValue(_to), "--to"),
            Sample = parsed.GetValue(_sample),
            Seed = parsed.GetValue(_seed),
        };
        selection.Validate();
        var options = new ReplayOptions
        {
            Tolerances = ReplayTolerances.Parse(parsed.GetValue(_tolerance) ?? []),
            Mappings = [.. (parsed.GetValue(_map) ?? []).Select(OutputMapping.Parse)],
            MasterKey = Encryption.MasterKey.FromEnvironment(),
        };
        int timeout = parsed.GetValue(_timeout);
        if (timeout < 1)
        {
            throw new CliException(ExitCodes.BadInput, $"--timeout: {timeout} is below 1; pass the seconds to wait for each endpoint response.");
        }

        using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(timeout) };
        IReplayScorer scorer = CreateScorer(parsed.GetValue(_artifacts), parsed.GetValue(_endpoint), http);
        bool record = !parsed.GetValue(_noRecord);
        try
        {
            await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: record, cancellationToken);
            await using Archiving.ArchiveBackedLedgerStore store = await ArchiveView.OpenAsync(session, cancellationToken);
            ReplayReport report;
            try
            {
                report = await new ReplayEngine(store, scorer, options).RunAsync(selection, cancellationToken);
            }
            catch (Archiving.ArchiveIntegrityException e)
            {
                throw ArchiveView.Untrusted(e);
            }
            catch (ArtifactStoreUnavailableException e)
            {
                // The store, not the ledger, failed: its message names the bucket, key and endpoint.
                throw new CliException(ExitCodes.StoreFailure, e.Message);
            }

            if (record)
            {
                DecisionRecorder recorder = await session.StartRecorderAsync(context.Environment.Time, cancellationToken);
                try
                {
                    RecordReceipt receipt = await recorder.RecordEventAsync(LedgerEvent.ForReplay(report.ToEvent(), session.Directory.Config.EntryFormat), CancellationToken.None);
                    report = report with { EventSeq = receipt.Seq };
                }
                finally
                {
                    // Drains and signs a checkpoint covering the replay entry.
                    await recorder.DisposeAsync();
                }
            }

            if (context.Json(parsed))
            {
                await JsonOutput.WriteAsync(context.Environment.Out, json => ReplayReportJson.Write(json, report), cancellationToken);
            }
            else
            {
                WriteHuman(context.Environment.Out, report, scorer);
            }

            return report.Differed > 0 ? ExitCodes.VerificationFailed : ExitCodes.Ok;
        }
        finally
        {
            (scorer as IDisposable)?.Dispose();
        }
    }

    private static IReplayScorer CreateScorer(string? artifacts, string? endpoint, HttpClient http)
    {
        if ((artifacts is null) == (endpoint is null))
        {
            throw new CliException(ExitCodes.BadInput, "--artifacts, --endpoint: pass exactly one; the model runs from an artifact store (--artifacts DIR or s3://bucket/prefix) or behind an HTTP endpoint (--endpoint URL).");
        }

        if (endpoint is not null)
        {
            return Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
                ? new HttpEndpointScorer(http, url)
                : throw new CliException(ExitCodes.BadInput, $"--endpoint: '{endpoint}' is not an absolute http:// or https:// URL.");
        }

        return new ArtifactReplayScorer(ArtifactStoreLocation.Open(artifacts!, "--artifacts"), new MLNetModelLoader());
    }

    private static void WriteHuman(TextWriter output, ReplayReport report, IReplayScorer scorer)
    {
        output.WriteLine($"Replayed {Plural.Of(report.Results.Count, "decision")} ({scorer.Kind} {scorer.Source}): {report.Matched} matched, {report.Differed} differed, {report.NotReplayable} not replayable");
        foreach (ReplayResult result in report.Results)
        {
            string head = $"  seq {result.Seq}  {result.ModelName} {result.ModelVersion}  {ReplayReportJson.OutcomeText(result.Outcome)}";
            output.WriteLine(result.Reason is { } reason ? $"{head}: {reason}: {result.Detail}" : head);
            foreach (ReplayDifference difference in result.Differences)
            {
                string delta = difference.Delta is { } d ? string.Create(CultureInfo.InvariantCulture, $"  (delta {d:G6}, tolerance {difference.Tolerance:G6})") : string.Empty;
                output.WriteLine($"      {difference.Path}: recorded {difference.Recorded ?? "(absent)"}, replayed {difference.Replayed ?? "(absent)"}{delta}");
            }

            if (result.Reason is null && result.Detail is { } warning)
            {
                output.WriteLine($"      warning: {warning}");
            }
        }

        output.WriteLine(report.EventSeq is { } seq ? $"Recorded as replay event seq {seq}." : "Not recorded (--no-record).");
    }
}
