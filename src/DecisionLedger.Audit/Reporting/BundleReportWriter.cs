using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Storage;

namespace DecisionLedger.Reporting;

/// <summary>
/// Adds human-readable reports to an evidence bundle: for each model in the selection,
/// <c>reports/MODEL/usage.html</c> and <c>reports/MODEL/version-timeline.html</c>, computed in one
/// ascending pass against the bundle's own checkpoint over exactly the entries the bundle holds.
/// The reports are informative: the bundle verifier ignores them (docs/format.md), and anyone can
/// recompute them from <c>entries.jsonl</c>.
/// </summary>
public static class BundleReportWriter
{
    /// <summary>The folder of the reports inside a bundle.</summary>
    public const string FolderName = "reports";

    /// <summary>Writes the reports of the entries <paramref name="filter"/> selects into <paramref name="bundleDirectory"/>/reports.</summary>
    /// <param name="store">The opened store the bundle was exported from.</param>
    /// <param name="bundleDirectory">A bundle directory whose <c>checkpoint</c> file is already written.</param>
    /// <param name="verifier">The ledger's checkpoint verifier.</param>
    /// <param name="filter">The bundle's filter, or null for a full export. A subject filter holds the clear id: on an entry format 2 ledger it matches v2 entries by the subject's ref.</param>
    /// <param name="progress">Receives the number of entries scanned (of the checkpoint's tree size); optional.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>The report files written, relative to the bundle directory, with '/' separators.</returns>
    /// <exception cref="NoteVerificationException">The bundle's checkpoint does not verify.</exception>
    /// <exception cref="IOException">A report cannot be written.</exception>
    public static async Task<IReadOnlyList<string>> WriteAsync(ILedgerStore store, string bundleDirectory, NoteVerifier verifier, EntryFilter? filter, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(bundleDirectory);
        ArgumentNullException.ThrowIfNull(verifier);
        string note = await File.ReadAllTextAsync(Path.Combine(bundleDirectory, "checkpoint"), cancellationToken).ConfigureAwait(false);
        ReportCheckpoint checkpoint = ReportCheckpoint.Open(note, verifier);

        StoredSubjectFilter? matcher = filter is null ? null : await StoredSubjectFilter.CreateAsync(store, filter, cancellationToken).ConfigureAwait(false);
        var models = new SortedDictionary<string, (UsageReportBuilder Usage, VersionTimelineBuilder Timeline)>(StringComparer.Ordinal);
        await foreach (StoredEntry entry in EntryScan.ReadAsync(store, checkpoint.TreeSize, progress, cancellationToken).ConfigureAwait(false))
        {
            if (!EntryScan.IsDecision(entry) || (matcher is not null && !matcher.Matches(entry)))
            {
                continue;
            }

            string model = entry.Columns.ModelName;
            if (!models.TryGetValue(model, out var builders))
            {
                builders = (new UsageReportBuilder(new UsageFilters(model, filter?.ModelVersion, filter?.From, filter?.To)), new VersionTimelineBuilder(model));
                models[model] = builders;
            }

            builders.Usage.Add(entry);
            builders.Timeline.Add(entry);
        }

        var written = new List<string>();
        var folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string model, var builders) in models)
        {
            string folder = FolderFor(model, folders);
            string directory = Path.Combine(bundleDirectory, FolderName, folder);
            Directory.CreateDirectory(directory);
            UsageReport usage = builders.Usage.Build(checkpoint);
            await WriteFileAsync(Path.Combine(directory, "usage.html"), w => ReportHtmlWriter.WriteAsync(usage, w, cancellationToken), cancellationToken).ConfigureAwait(false);
            VersionTimelineReport timeline = builders.Timeline.Build(checkpoint);
            await WriteFileAsync(Path.Combine(directory, "version-timeline.html"), w => ReportHtmlWriter.WriteAsync(timeline, w, cancellationToken), cancellationToken).ConfigureAwait(false);
            written.Add($"{FolderName}/{folder}/usage.html");
            written.Add($"{FolderName}/{folder}/version-timeline.html");
        }

        return written;
    }

    // Model names are free text: anything but letters, digits, '.', '_' and '-' becomes '_', and a
    // name that then collides with another (case-insensitively, for case-insensitive file systems) gets a suffix.
    internal static string FolderFor(string model, HashSet<string> used)
    {
        var safe = new StringBuilder(model.Length);
        foreach (char ch in model)
        {
            safe.Append(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' ? ch : '_');
        }

        string name = safe.Length == 0 || safe[0] == '.' ? "_" + safe : safe.ToString();
        string candidate = name;
        for (int n = 2; !used.Add(candidate); n++)
        {
            candidate = $"{name}-{n}";
        }

        return candidate;
    }

    private static async Task WriteFileAsync(string path, Func<TextWriter, Task> write, CancellationToken cancellationToken)
    {
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        await using (writer.ConfigureAwait(false))
        {
            await write(writer).ConfigureAwait(false);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
