using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DecisionLedger.Decisions;
using DecisionLedger.Recording;
using DecisionLedger.Storage;

namespace DecisionLedger.Cli.Import;

/// <summary>
/// Moves the records of one <see cref="IImportReader"/> into the ledger: each decision gets
/// <c>metadata.importedFrom</c> (format, run id and the source's own ids and times), a request id already in
/// the ledger or earlier in the source is skipped and counted, a record the ledger refuses is counted bad with
/// its location and field, and the rest goes on. Without a recorder (<c>--dry-run</c>) nothing is written.
/// Redaction is the recorder's: the ledger's policy applies as for live decisions.
/// </summary>
internal sealed class ImportRun(IImportReader reader, IDecisionIndex index, IDecisionRecorder? recorder, string runId)
{
    /// <summary>Records looked up in the index at once.</summary>
    internal const int BatchSize = 512;

    /// <summary>Decisions awaiting durability at once; enough to fill several group commits.</summary>
    internal const int MaxInFlight = 4096;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(ImportRecord Record, Task<RecordReceipt> Receipt)> _inFlight = new();
    private readonly ImportSummary _summary = new();

    /// <summary>Reads the whole source; <paramref name="progress"/> hears (position, length) after each batch.</summary>
    /// <exception cref="LedgerStoreException">The store failed; what was recorded before stays recorded.</exception>
    public async Task<ImportSummary> RunAsync(IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var batch = new List<ImportRecord>(BatchSize);
        await foreach (ImportRecord record in reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(record);
            if (batch.Count == BatchSize)
            {
                await ProcessAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
                progress?.Report((reader.Position, reader.Length));
            }
        }

        await ProcessAsync(batch, cancellationToken).ConfigureAwait(false);
        while (_inFlight.Count > 0)
        {
            await SettleOldestAsync().ConfigureAwait(false);
        }

        progress?.Report((reader.Length, reader.Length));
        return _summary;
    }

    private async Task ProcessAsync(List<ImportRecord> batch, CancellationToken cancellationToken)
    {
        var ready = new List<(ImportRecord Record, Decision Decision)>(batch.Count);
        foreach (ImportRecord record in batch)
        {
            _summary.Read++;
            if (record.Problem is { } problem)
            {
                _summary.Problems.Add(problem);
            }
            else if (record.IsDuplicate)
            {
                _summary.Duplicates++;
            }
            else if (Prepare(record) is { } decision)
            {
                ready.Add((record, decision));
            }
        }

        if (ready.Count == 0)
        {
            return;
        }

        IReadOnlySet<string> existing = await index.FindExistingRequestIdsAsync(ready.Select(item => item.Decision.RequestId!).ToList(), cancellationToken).ConfigureAwait(false);
        foreach ((ImportRecord record, Decision decision) in ready)
        {
            string requestId = decision.RequestId!;
            if (existing.Contains(requestId) || !_seen.Add(requestId))
            {
                _summary.Duplicates++;
                continue;
            }

            if (recorder is null)
            {
                Count(record);
                continue;
            }

            if (_inFlight.Count >= MaxInFlight)
            {
                await SettleOldestAsync().ConfigureAwait(false);
            }

            _inFlight.Enqueue((record, Record(recorder, decision, cancellationToken)));
        }
    }

    private static async Task<RecordReceipt> Record(IDecisionRecorder recorder, Decision decision, CancellationToken cancellationToken) =>
        await recorder.RecordAsync(decision, cancellationToken).ConfigureAwait(false);

    private async Task SettleOldestAsync()
    {
        (ImportRecord record, Task<RecordReceipt> receipt) = _inFlight.Dequeue();
        try
        {
            await receipt.ConfigureAwait(false);
            Count(record);
        }
        catch (DuplicateRequestIdException)
        {
            _summary.Duplicates++;
        }
        catch (DecisionValidationException exception)
        {
            _summary.Problems.Add(new ImportProblem(record.Location, exception.Path, exception.Problem));
        }
        catch (Redaction.RedactionException exception)
        {
            _summary.Problems.Add(new ImportProblem(record.Location, "redaction", exception.Message));
        }
    }

    private void Count(ImportRecord record)
    {
        _summary.Imported++;
        if (record.IsUnpaired)
        {
            _summary.Unpaired++;
        }
    }

    /// <summary>The decision with <c>metadata.importedFrom</c>, validated; null (and counted bad) when the ledger would refuse it.</summary>
    private Decision? Prepare(ImportRecord record)
    {
        JsonObject decision = record.Decision!;
        var importedFrom = new JsonObject { ["format"] = reader.Format, ["runId"] = runId };
        foreach ((string name, JsonNode? value) in record.Origin ?? [])
        {
            importedFrom[name] = value?.DeepClone();
        }

        if (decision["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            decision["metadata"] = metadata;
        }

        metadata["importedFrom"] = importedFrom;
        try
        {
            return DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(decision.ToJsonString()));
        }
        catch (DecisionValidationException exception)
        {
            _summary.Problems.Add(new ImportProblem(record.Location, exception.Path, exception.Problem));
            return null;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or ArgumentException)
        {
            _summary.Problems.Add(new ImportProblem(record.Location, "record", exception.Message));
            return null;
        }
    }
}
