using DecisionLedger.Server.Hosting;
using DecisionLedger.Storage;

namespace DecisionLedger.Server.Dashboard;

/// <summary>
/// The ledger's models (name, versions, count, first and last decision), kept up to date by reading
/// only the entries appended since the last call: the ledger is append-only, so what was counted
/// stays counted, and a dashboard's model picker costs one size read once it has caught up.
/// </summary>
internal sealed class ModelCatalog(CollectorLedger ledger) : IDisposable
{
    /// <summary>Entries read per store range: memory stays bounded whatever the ledger's size.</summary>
    private const int ChunkSize = 4096;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Tally> _models = new(StringComparer.Ordinal);
    private long _scanned;

    /// <summary>The models, the most recently used first (ties by name).</summary>
    /// <param name="cancellationToken">Cancels the catch-up; what was merged before stays merged.</param>
    public async Task<IReadOnlyList<ModelSummary>> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long size = await ledger.Store.GetSizeAsync(cancellationToken).ConfigureAwait(false);
            while (_scanned < size)
            {
                long end = Math.Min(size, _scanned + ChunkSize);

                // A chunk is counted apart and merged whole, so a cancelled read never counts an entry twice.
                var chunk = new Dictionary<string, Tally>(StringComparer.Ordinal);
                await foreach (StoredEntry entry in ledger.Store.ReadEntriesAsync(_scanned, end, cancellationToken).ConfigureAwait(false))
                {
                    if (string.Equals(entry.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
                    {
                        Add(chunk, entry.Columns.ModelName, entry.Columns.ModelVersion, 1, entry.Columns.Timestamp, entry.Columns.Timestamp);
                    }
                }

                foreach ((string name, Tally tally) in chunk)
                {
                    foreach (string version in tally.Versions)
                    {
                        Add(_models, name, version, 0, tally.First, tally.Last);
                    }

                    _models[name].Decisions += tally.Decisions;
                }

                _scanned = end;
            }

            return [.. _models
                .Select(pair => new ModelSummary(pair.Key, [.. pair.Value.Versions], pair.Value.Decisions, pair.Value.First, pair.Value.Last))
                .OrderByDescending(model => model.Last)
                .ThenBy(model => model.Name, StringComparer.Ordinal)];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    private static void Add(Dictionary<string, Tally> models, string name, string version, long decisions, DateTimeOffset first, DateTimeOffset last)
    {
        if (!models.TryGetValue(name, out Tally? tally))
        {
            tally = new Tally { First = first, Last = last };
            models[name] = tally;
        }

        if (!tally.Versions.Contains(version, StringComparer.Ordinal))
        {
            tally.Versions.Add(version);
        }

        tally.Decisions += decisions;
        tally.First = first < tally.First ? first : tally.First;
        tally.Last = last > tally.Last ? last : tally.Last;
    }

    private sealed class Tally
    {
        public List<string> Versions { get; } = [];

        public long Decisions { get; set; }

        public DateTimeOffset First { get; set; }

        public DateTimeOffset Last { get; set; }
    }
}
