using DecisionLedger.Storage;

namespace DecisionLedger.Querying;

/// <summary>
/// The query engine behind <c>dledger query</c>, <c>GET /v1/decisions</c> and the dashboard: checks
/// <c>where</c> paths against the store's field catalog, refuses an unindexed scan of a large
/// ledger, resolves the opaque cursor, and returns one page with the cursor of the next.
/// </summary>
/// <param name="store">The ledger store (opened).</param>
/// <param name="options">Threshold and parameter names; null for the defaults.</param>
public sealed class LedgerQuery(ILedgerStore store, LedgerQueryOptions? options = null)
{
    private const int HintCount = 20;
    private readonly ILedgerStore _store = store ?? throw new ArgumentNullException(nameof(store));
    private readonly LedgerQueryOptions _options = options ?? new LedgerQueryOptions();

    /// <summary>
    /// True when the filter sets a column every store indexes (request id, model, user, tenant,
    /// subject, input fingerprint, a time bound, a non-decision kind), so the store walks an index
    /// rather than the whole ledger. A model version alone is not: the index leads with the model.
    /// <see cref="RunAsync"/> also counts a where predicate on a path the store indexes
    /// (<see cref="UsesFieldIndex"/>).
    /// </summary>
    /// <param name="filter">The filter.</param>
    public static bool IsIndexed(EntryFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return filter.RequestId is not null || filter.ModelName is not null || filter.UserId is not null || filter.Tenant is not null
            || filter.SubjectId is not null || filter.InputFingerprint is not null || filter.From is not null || filter.To is not null
            || (filter.Kind is not null && !string.Equals(filter.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal));
    }

    /// <summary>Runs one page of a query.</summary>
    /// <param name="filter">The filters and predicates; <see cref="EntryFilter.Limit"/> is the page size, <see cref="EntryFilter.BeforeSeq"/> a raw starting point.</param>
    /// <param name="cursor">The <see cref="QueryPage.NextCursor"/> of the previous page of the same query, or null for the first page.</param>
    /// <param name="allowScan">True to run a query over unindexed predicates even on a large ledger.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page.</returns>
    /// <exception cref="QueryException">
    /// A where path is not in the catalog, the cursor is malformed or from another query, or the query
    /// would scan a ledger larger than <see cref="LedgerQueryOptions.ScanThreshold"/> without <paramref name="allowScan"/>.
    /// </exception>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public async ValueTask<QueryPage> RunAsync(EntryFilter filter, string? cursor = null, bool allowScan = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filter.Limit, nameof(filter));
        if (filter.Where.Count > 0)
        {
            await CheckPathsAsync(filter, cancellationToken).ConfigureAwait(false);
        }

        long? before = filter.BeforeSeq;
        if (cursor is not null)
        {
            long fromCursor = QueryCursor.Decode(cursor, filter, _options.CursorParameter);
            before = before is { } raw ? Math.Min(raw, fromCursor) : fromCursor;
        }

        if (filter.Where.Count > 0 && !allowScan && !IsIndexed(filter) && !await HasIndexedPredicateAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            long size = await _store.GetSizeAsync(cancellationToken).ConfigureAwait(false);
            if (size >= _options.ScanThreshold)
            {
                throw new QueryException(_options.WhereParameter,
                    $"{_options.WhereParameter}: no indexed filter narrows this query, and the ledger holds {size:N0} entries " +
                    $"(the limit for an unindexed scan is {_options.ScanThreshold:N0}): add a model, user, tenant, subject, request id or time range filter " +
                    $"(e.g. {_options.IndexedFilterExample}), or pass {_options.AllowScanParameter} to scan anyway.");
            }
        }

        // One extra row tells whether another page exists.
        EntryFilter page = filter with { BeforeSeq = before, Limit = filter.Limit + 1 };
        var entries = new List<StoredEntry>(Math.Min(page.Limit, 1024));
        await foreach (StoredEntry entry in _store.QueryAsync(page, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        string? next = null;
        if (entries.Count > filter.Limit)
        {
            entries.RemoveAt(entries.Count - 1);
            next = QueryCursor.Encode(entries[^1].Seq, filter);
        }

        return new QueryPage(entries, next);
    }

    /// <summary>
    /// True when a predicate can be answered from an index the operator declared on its path (see
    /// <see cref="IFieldIndexCatalog"/>): such a predicate narrows the query like an indexed filter.
    /// </summary>
    /// <param name="predicate">The predicate.</param>
    /// <param name="indexedPaths">The paths the store indexes.</param>
    public static bool UsesFieldIndex(FieldPredicate predicate, IReadOnlyCollection<string> indexedPaths)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(indexedPaths);

        // Only a comparison with a string or number reads the indexed value; exists, contains and !=
        // still read every entry the other filters leave.
        bool comparison = predicate.Operator is WhereOperator.Equal or WhereOperator.Less or WhereOperator.LessOrEqual
            or WhereOperator.Greater or WhereOperator.GreaterOrEqual;
        return comparison
            && predicate.Value.Kind is WhereLiteralKind.String or WhereLiteralKind.Number
            && indexedPaths.Contains(predicate.Path.Text, StringComparer.Ordinal);
    }

    private async ValueTask<bool> HasIndexedPredicateAsync(EntryFilter filter, CancellationToken cancellationToken)
    {
        if (_store is not IFieldIndexCatalog catalog)
        {
            return false;
        }

        IReadOnlyList<string> indexed = await catalog.GetIndexedFieldPathsAsync(cancellationToken).ConfigureAwait(false);
        return indexed.Count > 0 && filter.Where.Any(predicate => UsesFieldIndex(predicate, indexed));
    }

    private async ValueTask CheckPathsAsync(EntryFilter filter, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> known = await _store.GetFieldPathsAsync(filter.ModelName, cancellationToken).ConfigureAwait(false);
        var set = new HashSet<string>(known, StringComparer.Ordinal);
        foreach (FieldPredicate predicate in filter.Where)
        {
            if (!set.Contains(predicate.Path.Text))
            {
                throw new QueryException(_options.WhereParameter, UnknownFieldMessage(predicate.Path, known, filter.ModelName));
            }
        }
    }

    private string UnknownFieldMessage(FieldPath path, IReadOnlyList<string> known, string? model)
    {
        string scope = model is null ? "" : $" for {model}";
        string seen = model is null ? "in this ledger" : $"for {model}";

        // Hint with the children of the deepest known ancestor: a typo in a leaf lists its siblings.
        string parent = path.Root;
        for (int depth = path.Names.Count - 1; depth >= 1; depth--)
        {
            string candidate = string.Join('.', path.Names.Take(depth));
            if (depth == 1 || known.Contains(candidate, StringComparer.Ordinal))
            {
                parent = candidate;
                break;
            }
        }

        string prefix = parent + ".";
        List<string> children = known
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.IndexOf('.', prefix.Length) < 0)
            .Select(p => p[prefix.Length..])
            .ToList();
        string inputNote = path.IsInput ? " (input fields are learnt from inputs held in plaintext; erased and encrypted inputs add none)" : "";
        string hint = children.Count == 0
            ? $"no {parent} fields have been seen {seen}{inputNote}"
            : $"{parent} fields seen{scope}: {string.Join(", ", children.Take(HintCount))}{(children.Count > HintCount ? $", … ({children.Count} in all)" : "")}{inputNote}";
        return $"{_options.WhereParameter}: unknown field \"{path}\"; {hint}.";
    }
}
