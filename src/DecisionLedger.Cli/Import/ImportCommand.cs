using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DecisionLedger.Cli.Output;
using DecisionLedger.Entries;
using DecisionLedger.Importing;
using DecisionLedger.Recording;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// <c>import --format sagemaker-capture|kserve-cloudevents|audit-table …</c>: brings decisions captured elsewhere
/// into the ledger. Each gets <c>metadata.importedFrom</c>; duplicates by request id are skipped and counted; a bad
/// record is reported with its line or row and field and the rest goes on; the run ends with an <c>import</c>
/// event entry holding the counts. Exit 0, or 2 when any record was refused (the rest is imported all the same).
/// </summary>
internal sealed class ImportCommand(CommandContext context)
{
    private static readonly string[] Formats = [SageMakerCaptureReader.FormatName, KServeDumpReader.FormatName, AuditTableReader.FormatName];

    private readonly Argument<string?> _file = new("FILE")
    {
        Description = "The file to import (sagemaker-capture: Data Capture JSON Lines; kserve-cloudevents: a CloudEvents dump). '.gz' files are read decompressed.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string> _format = new("--format")
    {
        Description = "What the source holds: sagemaker-capture, kserve-cloudevents or audit-table.",
        Required = true,
    };

    private readonly Option<string?> _model = new("--model")
    {
        Description = "sagemaker-capture: the model name of every decision (a capture holds none; use the endpoint's name).",
    };

    private readonly Option<string> _version = new("--model-version")
    {
        Description = "sagemaker-capture: the model version of every decision; kserve-cloudevents: when the response names no model_version.",
        DefaultValueFactory = _ => "unknown",
    };

    private readonly Option<string?> _source = new("--source")
    {
        Description = "audit-table: the database, as \"Data Source=audit.db\" (SQLite, opened read-only) or \"Host=…;Database=…;Username=…\" (PostgreSQL).",
    };

    private readonly Option<string?> _table = new("--table")
    {
        Description = "audit-table: the table (or schema.table) to read.",
    };

    private readonly Option<string[]> _columns = new("--column")
    {
        Description = "audit-table: FIELD=COLUMN when a column has another name (fields: request_id, timestamp, model_name, model_version, input_data, output_data, user_id, latency_ms, metadata). Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<bool> _dryRun = new("--dry-run")
    {
        Description = "Read, check and count everything (duplicates against the ledger included); write nothing.",
    };

    /// <summary>Defines the command.</summary>
    public Command Build()
    {
        _format.AcceptOnlyFromAmong(Formats);
        var command = new Command("import", "Import decisions captured elsewhere (SageMaker Data Capture, KServe CloudEvents, an SQL audit table); record the run as an import event.")
        {
            _file, _format, _model, _version, _source, _table, _columns, _dryRun,
        };
        command.SetAction(ExecuteAsync);
        return command;
    }

    private async Task<int> ExecuteAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        bool dryRun = parsed.GetValue(_dryRun);
        bool json = context.Json(parsed);
        await using IImportReader reader = await OpenReaderAsync(parsed, cancellationToken);
        await using LedgerSession session = await context.OpenLedgerAsync(parsed, forWrite: !dryRun, cancellationToken);
        string runId = Guid.CreateVersion7(context.Environment.Time.GetUtcNow()).ToString();
        ImportSummary summary;
        RecordReceipt? eventReceipt = null;
        DecisionRecorder? recorder = dryRun ? null : await session.StartRecorderAsync(context.Environment.Time, cancellationToken);
        try
        {
            var run = new ImportRun(reader, session.Store, recorder, runId);
            summary = await ImportProgressReporter.RunAsync(context.Environment, json, reader.Source, progress => run.RunAsync(progress, cancellationToken));
            if (recorder is not null)
            {
                var import = new ImportEvent(reader.Format, reader.Source, runId, summary.Read, summary.Imported, summary.Duplicates, summary.Bad, summary.Unpaired);
                eventReceipt = await recorder.RecordEventAsync(LedgerEvent.ForImport(import, session.Directory.Config.EntryFormat), cancellationToken);
            }
        }
        finally
        {
            // Disposing drains the queue and signs a final checkpoint over everything recorded, however the run ended.
            if (recorder is not null)
            {
                await recorder.DisposeAsync();
            }
        }

        await WriteAsync(json, reader, runId, dryRun, summary, eventReceipt);
        return summary.Bad > 0 ? ExitCodes.BadInput : ExitCodes.Ok;
    }

#pragma warning disable CA2000 // The reader owns the file and the caller disposes the reader.
    private async Task<IImportReader> OpenReaderAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        string format = parsed.GetValue(_format)!;
        string version = parsed.GetValue(_version) is { Length: > 0 } v ? v : throw new CliException(ExitCodes.BadInput, "--model-version: empty; pass the model version.");
        if (format == AuditTableReader.FormatName)
        {
            string source = parsed.GetValue(_source) ?? throw new CliException(ExitCodes.BadInput, "--source: required with --format audit-table; pass \"Data Source=audit.db\" or \"Host=…;Database=…\".");
            string table = parsed.GetValue(_table) ?? throw new CliException(ExitCodes.BadInput, "--table: required with --format audit-table; pass the audit table's name.");
            AuditTableColumns columns = AuditTableColumns.Parse(parsed.GetValue(_columns) ?? []);
            return await AuditTableReader.OpenAsync(source, table, columns, cancellationToken);
        }

        string file = parsed.GetValue(_file) ?? throw new CliException(ExitCodes.BadInput, $"FILE: required with --format {format}; pass the file to import.");
        if (format == SageMakerCaptureReader.FormatName)
        {
            string model = parsed.GetValue(_model) is { Length: > 0 } m ? m : throw new CliException(ExitCodes.BadInput, "--model: required with --format sagemaker-capture; a capture file names no model, so pass the endpoint's model name.");
            return new SageMakerCaptureReader(JsonLinesFile.Open(file), model, version);
        }

        return new KServeDumpReader(JsonLinesFile.Open(file), version);
    }
#pragma warning restore CA2000

    private async Task WriteAsync(bool json, IImportReader reader, string runId, bool dryRun, ImportSummary summary, RecordReceipt? eventReceipt)
    {
        TextWriter output = context.Environment.Out;
        if (json)
        {
            using var buffer = new MemoryStream();
            await using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("format", reader.Format);
                writer.WriteString("source", reader.Source);
                writer.WriteString("runId", runId);
                writer.WriteBoolean("dryRun", dryRun);
                writer.WriteNumber("read", summary.Read);
                writer.WriteNumber("imported", summary.Imported);
                writer.WriteNumber("duplicates", summary.Duplicates);
                writer.WriteNumber("bad", summary.Bad);
                writer.WriteNumber("unpaired", summary.Unpaired);
                if (eventReceipt is not null)
                {
                    writer.WriteNumber("eventSeq", eventReceipt.Seq);
                }

                writer.WriteStartArray("problems");
                foreach (ImportProblem problem in summary.Problems)
                {
                    writer.WriteStartObject();
                    writer.WriteString("location", problem.Location);
                    writer.WriteString("field", problem.Field);
                    writer.WriteString("reason", problem.Reason);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return;
        }

        foreach (ImportProblem problem in summary.Problems)
        {
            await context.Environment.Error.WriteLineAsync($"dledger import: {problem}");
        }

        string verb = dryRun ? "would import" : "imported";
        string unpaired = summary.Unpaired > 0 ? $" ({summary.Unpaired.ToString(CultureInfo.InvariantCulture)} from one half alone)" : string.Empty;
        await output.WriteLineAsync($"{reader.Format}: {reader.Source}");
        await output.WriteLineAsync($"  read {Plural.Of(summary.Read, "record")}: {verb} {summary.Imported.ToString(CultureInfo.InvariantCulture)}{unpaired}, {summary.Duplicates.ToString(CultureInfo.InvariantCulture)} duplicate, {summary.Bad.ToString(CultureInfo.InvariantCulture)} bad");
        await output.WriteLineAsync(eventReceipt is null
            ? "  dry run: nothing was written"
            : $"  import event at seq {eventReceipt.Seq.ToString(CultureInfo.InvariantCulture)} (run {runId})");
    }
}
