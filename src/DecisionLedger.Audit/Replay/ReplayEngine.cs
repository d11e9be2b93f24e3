using System.Globalization;
using System.Text.Json;
using DecisionLedger.Encryption;
using DecisionLedger.Erasure;
using DecisionLedger.Storage;

namespace DecisionLedger.Replay;

/// <summary>
/// Replays recorded decisions: reads each selected decision's stored input, has the scorer run the
/// model on it, and compares the new output with the recorded one field by field. It reads the
/// ledger only; recording the run as a <c>replay</c> event is the caller's (<see cref="ReplayReport.ToEvent"/>).
/// </summary>
public sealed class ReplayEngine
{
    private readonly ILedgerStore _store;
    private readonly IReplayScorer _scorer;
    private readonly ReplayOptions _options;
    private readonly OutputComparer _comparer;

    /// <summary>Creates the engine.</summary>
    /// <param name="store">The ledger (an archive-backed view reaches archived decisions and their inputs too).</param>
    /// <param name="scorer">Runs the model.</param>
    /// <param name="options">Mapping, tolerances, master key; null for the defaults.</param>
    public ReplayEngine(ILedgerStore store, IReplayScorer scorer, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(scorer);
        _store = store;
        _scorer = scorer;
        _options = options ?? new ReplayOptions();
        _comparer = new OutputComparer(_options.Mappings, _options.Tolerances);
    }

    /// <summary>Replays the selected decisions.</summary>
    /// <param name="selection">Which decisions.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>One result per decision, ascending by seq, with the run's parameters.</returns>
    /// <exception cref="ArgumentException">The selection is malformed, names no decision, names an event entry, or selects more than <see cref="ReplaySelection.MaxDecisions"/> without a sample; the message names the option.</exception>
    public async Task<ReplayReport> RunAsync(ReplaySelection selection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        selection.Validate();
        IReadOnlyList<StoredEntry> entries = await SelectAsync(selection, cancellationToken).ConfigureAwait(false);
        var results = new List<ReplayResult>(entries.Count);
        foreach (StoredEntry entry in entries)
        {
            results.Add(await ReplayAsync(entry, cancellationToken).ConfigureAwait(false));
        }

        return new ReplayReport(Parameters(selection), results);
    }

    private Dictionary<string, string> Parameters(ReplaySelection selection)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        selection.AddParameters(parameters);
        parameters[_scorer.Kind] = _scorer.Source;
        parameters["tolerance"] = _options.Tolerances.Default.ToString("R", CultureInfo.InvariantCulture);
        foreach ((string path, double tolerance) in _options.Tolerances.ByPath)
        {
            parameters["tolerance:" + path] = tolerance.ToString("R", CultureInfo.InvariantCulture);
        }

        foreach (OutputMapping mapping in _options.Mappings)
        {
            parameters["map:" + mapping.OutputPath] = mapping.ResponsePath;
        }

        return parameters;
    }

    private async Task<IReadOnlyList<StoredEntry>> SelectAsync(ReplaySelection selection, CancellationToken cancellationToken)
    {
        if (selection.Seq is { } seq)
        {
            StoredEntry entry = await _store.GetEntryAsync(seq, cancellationToken).ConfigureAwait(false)
                ?? throw new ArgumentException($"--seq: no entry {seq}; the ledger holds seq 0 to {await _store.GetSizeAsync(cancellationToken).ConfigureAwait(false) - 1}.");
            return [RequireDecision(entry, $"--seq {seq}")];
        }

        if (selection.RequestId is { } requestId)
        {
            StoredEntry entry = await _store.FindByRequestIdAsync(requestId, cancellationToken).ConfigureAwait(false)
                ?? throw new ArgumentException($"--request-id: no decision with request id '{requestId}'; find it with 'dledger query'.");
            return [RequireDecision(entry, $"--request-id {requestId}")];
        }

        var filter = new EntryFilter
        {
            ModelName = selection.Model,
            ModelVersion = selection.Version,
            From = selection.From,
            To = selection.To,
            Kind = EntryColumns.DecisionKind,
            Limit = selection.Sample is null ? ReplaySelection.MaxDecisions + 1 : int.MaxValue,
        };

        var chosen = new List<StoredEntry>();
        var random = new Random(selection.Seed);
        long seen = 0;
        await foreach (StoredEntry entry in _store.QueryAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            seen++;
            if (selection.Sample is not { } sample || chosen.Count < sample)
            {
                chosen.Add(entry);
            }
            else if (random.NextInt64(seen) is var slot && slot < sample)
            {
                // Reservoir sampling: every decision of the range ends up in the sample with the same chance.
                chosen[(int)slot] = entry;
            }
        }

        if (chosen.Count == 0)
        {
            throw new ArgumentException($"--model: no decisions of '{selection.Model}'{(selection.Version is null ? "" : $" version '{selection.Version}'")} in the range; check the name with 'dledger query --model'.");
        }

        if (selection.Sample is null && chosen.Count > ReplaySelection.MaxDecisions)
        {
            throw new ArgumentException($"--model: more than {ReplaySelection.MaxDecisions} decisions of '{selection.Model}' in the range; narrow --from/--to, or pass --sample K to replay a random sample.");
        }

        chosen.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return chosen;
    }

    private static StoredEntry RequireDecision(StoredEntry entry, string option) =>
        string.Equals(entry.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal)
            ? entry
            : throw new ArgumentException($"{option.Split(' ')[0]}: entry {entry.Seq} is a '{entry.Columns.Kind}' event, not a decision; only decisions can be replayed.");

    private async Task<ReplayResult> ReplayAsync(StoredEntry entry, CancellationToken cancellationToken)
    {
        using JsonDocument document = JsonDocument.Parse(entry.CanonicalBytes);
        JsonElement root = document.RootElement;
        JsonElement model = root.GetProperty("model");
        string name = model.GetProperty("name").GetString()!;
        string version = model.GetProperty("version").GetString()!;
        string? digest = model.TryGetProperty("artifactDigest", out JsonElement d) ? d.GetString() : null;
        ReplayResult NotReplayable(string reason, string detail) =>
            new(entry.Seq, entry.Columns.RequestId, name, version, ReplayOutcome.NotReplayable, [], reason, detail);

        StoredInput? input = await _store.GetInputAsync(entry.Seq, cancellationToken).ConfigureAwait(false);
        if (input is null)
        {
            long? erasure = entry.Columns.SubjectId is { } subject
                ? await SubjectEraser.FindErasureAsync(_store, subject, entry.Seq, cancellationToken).ConfigureAwait(false)
                : null;
            return erasure is { } erasureSeq
                ? NotReplayable(ReplayReasons.InputErased, $"the input was erased (erasure entry seq {erasureSeq}); only its salted digest remains.")
                : NotReplayable(ReplayReasons.InputNotHeld, "no stored input is held for this decision (never stored, or archived without input).");
        }

        if (InputEncryption.IsEncrypted(input.Input))
        {
            StoredInput? plain = await DecryptAsync(entry, input, cancellationToken).ConfigureAwait(false);
            if (plain is null)
            {
                return NotReplayable(ReplayReasons.InputEncrypted, $"the stored input is encrypted and cannot be opened here (set {MasterKey.EnvironmentVariable}, and the subject's key must still exist).");
            }

            input = plain;
        }

        using JsonDocument stored = JsonDocument.Parse(input.Input);
        ReplayScore score = await _scorer.ScoreAsync(new ReplayInput(entry.Seq, name, version, digest, stored.RootElement), cancellationToken).ConfigureAwait(false);
        if (score.Response is not { } response)
        {
            return NotReplayable(score.Reason!, score.Detail ?? score.Reason!);
        }

        List<ReplayDifference> differences = _comparer.Compare(root.GetProperty("output"), response);
        return new ReplayResult(
            entry.Seq,
            entry.Columns.RequestId,
            name,
            version,
            differences.Count == 0 ? ReplayOutcome.Matched : ReplayOutcome.Differed,
            differences,
            Detail: score.Detail);
    }

    private async Task<StoredInput?> DecryptAsync(StoredEntry entry, StoredInput input, CancellationToken cancellationToken)
    {
        if (_options.MasterKey is not { } master || entry.Columns.SubjectId is not { } subject)
        {
            return null;
        }

        IReadOnlyDictionary<string, byte[]> keys = await _store.GetSubjectKeysAsync([subject], cancellationToken).ConfigureAwait(false);
        return keys.TryGetValue(subject, out byte[]? wrapped) && InputEncryption.TryDecrypt(master.Unwrap(subject, wrapped), input, out StoredInput? plain)
            ? plain
            : null;
    }
}
