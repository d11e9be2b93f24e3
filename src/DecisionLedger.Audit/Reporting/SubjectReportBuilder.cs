using System.Runtime.CompilerServices;
using DecisionLedger.Checkpoints;
using DecisionLedger.Entries;
using DecisionLedger.Storage;

namespace DecisionLedger.Reporting;

/// <summary>
/// Builds the report of every decision about one data subject (GDPR Art. 15 right of access, EU AI
/// Act Art. 86 right to explanation) against a signed checkpoint. The store is read in pages of
/// <see cref="PageSize"/> entries with a keyset cursor, never all at once: <see cref="CreateAsync"/>
/// counts, <see cref="ReadDecisionsAsync"/> streams, and neither holds more than one page.
/// </summary>
/// <remarks>
/// Entries are append-only and the report covers only <c>seq</c> below the checkpoint's size, so
/// the counting pass and the streaming pass see the same decisions; only their input status may
/// change in between (an erasure), and is reported as read by the streaming pass.
/// </remarks>
public sealed class SubjectReportBuilder
{
    /// <summary>How many attributions a decision's main factors list (3).</summary>
    public const int MainFactorCount = 3;

    /// <summary>The default number of entries read from the store at a time (256).</summary>
    public const int DefaultPageSize = 256;

    private readonly ILedgerStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates a builder over <paramref name="store"/>.</summary>
    /// <param name="store">The ledger's store; read only.</param>
    /// <param name="time">The clock that stamps <see cref="SubjectReport.GeneratedAt"/>.</param>
    /// <param name="pageSize">Entries read per store query, 1 to 10000; default <see cref="DefaultPageSize"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="time"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is outside 1 to 10000.</exception>
    public SubjectReportBuilder(ILedgerStore store, TimeProvider time, int pageSize = DefaultPageSize)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 10_000);
        _store = store;
        _time = time;
        PageSize = pageSize;
    }

    /// <summary>Entries read from the store per query.</summary>
    public int PageSize { get; }

    /// <summary>
    /// Verifies <paramref name="signedNote"/>, then counts the decisions about
    /// <paramref name="subjectId"/> it covers, collects the subject's ledger events and, on an entry
    /// format 2 ledger, builds and checks the proof that no decision about the subject is missing.
    /// </summary>
    /// <param name="subjectId">The data subject's id, exactly as recorded.</param>
    /// <param name="signedNote">The checkpoint to report against (normally the newest), as a signed note.</param>
    /// <param name="verifier">The ledger's own checkpoint verifier.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>
    /// The report's summary; <see cref="SubjectReport.DecisionCount"/> is 0 when the checkpoint covers no decision about the subject.
    /// On an entry format 2 ledger, <see cref="SubjectReport.Completeness"/> holds the subject's completeness proof, checked against the
    /// store's own entries, or why there is none.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="subjectId"/> is empty.</exception>
    /// <exception cref="NoteVerificationException">The checkpoint is not validly signed by <paramref name="verifier"/>.</exception>
    /// <exception cref="LedgerStoreException">The store cannot be read.</exception>
    public async Task<SubjectReport> CreateAsync(string subjectId, string signedNote, NoteVerifier verifier, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        ArgumentNullException.ThrowIfNull(signedNote);
        ArgumentNullException.ThrowIfNull(verifier);
        Checkpoint checkpoint = CheckpointNote.Open(signedNote, verifier);
        DateTimeOffset generatedAt = _time.GetUtcNow();

        long decisions = 0;
        long later = 0;
        var events = new List<ReportedLedgerEvent>();
        await foreach (StoredEntry entry in PagesAsync(subjectId, beforeSeq: null, cancellationToken).ConfigureAwait(false))
        {
            bool covered = entry.Seq < checkpoint.Size;
            if (!IsDecision(entry))
            {
                if (covered)
                {
                    events.Add(new ReportedLedgerEvent(entry.Seq, entry.Columns.Kind, entry.Columns.RequestId, entry.Columns.Timestamp));
                }
            }
            else if (covered)
            {
                decisions++;
            }
            else
            {
                later++;
            }
        }

        SubjectCompleteness? completeness = await SubjectCompletenessProver.ProveAsync(_store, subjectId, checkpoint.Size, cancellationToken).ConfigureAwait(false);
        return new SubjectReport(subjectId, checkpoint, signedNote, generatedAt, decisions, later, events) { Completeness = completeness };
    }

    /// <summary>Streams the decisions <paramref name="report"/> covers, newest first, one store page at a time.</summary>
    /// <param name="report">The summary from <see cref="CreateAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>Each decision about the subject with <c>seq</c> below the checkpoint's size; ledger events are skipped.</returns>
    /// <exception cref="InvalidDataException">A stored decision does not parse; the message names its seq (run <c>dledger verify</c>).</exception>
    /// <exception cref="LedgerStoreException">The store cannot be read.</exception>
    public async IAsyncEnumerable<ReportedDecision> ReadDecisionsAsync(SubjectReport report, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        await foreach (StoredEntry entry in PagesAsync(report.SubjectId, report.Checkpoint.Size, cancellationToken).ConfigureAwait(false))
        {
            if (!IsDecision(entry))
            {
                continue;
            }

            LedgerEntry parsed;
            try
            {
                parsed = EntryCanonicalizer.Parse(entry.CanonicalBytes);
            }
            catch (FormatException exception)
            {
                throw new InvalidDataException($"seq {entry.Seq}: the stored decision does not parse ({exception.Message}); run 'dledger verify' on the ledger.", exception);
            }

            bool inputHeld = await _store.GetInputAsync(entry.Seq, cancellationToken).ConfigureAwait(false) is not null;
            yield return new ReportedDecision(
                parsed.Seq,
                parsed.RequestId,
                parsed.Timestamp,
                parsed.Model.Name,
                parsed.Model.Version,
                parsed.Output.GetRawText(),
                MainFactors(parsed.Explanation?.Attributions),
                inputHeld);
        }
    }

    /// <summary>The attributions of largest absolute value, largest first; ties by feature name (ordinal), so reports are reproducible.</summary>
    internal static IReadOnlyList<ReportedFactor> MainFactors(IReadOnlyDictionary<string, double>? attributions)
    {
        if (attributions is null || attributions.Count == 0)
        {
            return [];
        }

        return attributions
            .OrderByDescending(a => Math.Abs(a.Value))
            .ThenBy(a => a.Key, StringComparer.Ordinal)
            .Take(MainFactorCount)
            .Select(a => new ReportedFactor(a.Key, a.Value))
            .ToArray();
    }

    // Entries recorded before kinds existed have the decision kind by default.
    private static bool IsDecision(StoredEntry entry) =>
        string.Equals(entry.Columns.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal);

    private async IAsyncEnumerable<StoredEntry> PagesAsync(string subjectId, long? beforeSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = new List<StoredEntry>(PageSize);
        while (true)
        {
            // A page is buffered before any is yielded so no store reader stays open while the
            // consumer makes its own store calls (the input status of each decision).
            page.Clear();
            var filter = new EntryFilter { SubjectId = subjectId, BeforeSeq = beforeSeq, Limit = PageSize };
            await foreach (StoredEntry entry in _store.QueryAsync(filter, cancellationToken).ConfigureAwait(false))
            {
                page.Add(entry);
            }

            foreach (StoredEntry entry in page)
            {
                yield return entry;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            beforeSeq = page[^1].Seq;
        }
    }
}
