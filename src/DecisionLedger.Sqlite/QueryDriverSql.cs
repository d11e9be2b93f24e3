using System.Globalization;
using DecisionLedger.Querying;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Picks how a query finds its first page when a time range or a predicate on an indexed path
/// bounds it. Such a bound is a range of an index ordered by time or value, not by seq, so the
/// planner's own plan reads every entry in the range (bodies included) and sorts them before the
/// first row. Instead each candidate index is probed by counting its matches up to
/// <see cref="ProbeLimit"/> (the index alone, no entry read); the narrowest one under the limit
/// drives the query as <c>seq IN (SELECT seq …)</c>: only seqs are collected and ordered, and entries
/// are then read newest first, every filter checked on them, until the page is full. When every
/// candidate matches more than the limit, matches are dense and walking seq order finds a page
/// soon, so the query keeps its ordinary plan, except that a dense time range first walks the
/// newest <see cref="Window"/> seqs with the time index out of the way (a range that reaches the
/// present fills its page there) and only then collects the older part of the range from the
/// time index (a dense range far in the past costs a read of its index entries).
/// </summary>
internal static class QueryDriverSql
{
    /// <summary>
    /// How many index entries a probe counts at most (a few milliseconds of index reading). Collecting
    /// and ordering that many seqs still beats parsing the ~2,000 bodies a 1% predicate needs for a page.
    /// </summary>
    public const int ProbeLimit = 20_000;

    /// <summary>How many of the newest seqs a dense time range walks in seq order before using the time index.</summary>
    public const int Window = 2_000;

    /// <summary>The plan for <paramref name="filter"/>; its conditions use the parameters <see cref="EntryFilterSql"/> binds.</summary>
    /// <param name="connection">The read connection the query runs on.</param>
    /// <param name="filter">The filter.</param>
    public static SqliteQueryPlan Choose(SqliteConnection connection, EntryFilter filter)
    {
        // Probe is what a candidate's count is taken on; Driver selects its seqs. They differ for an
        // entry path with a time range: its index holds ts, so the driver checks the range inside
        // the index, but the probe leaves it out (checking it could scan every entry of a common
        // value to count a few).
        var candidates = new List<(string Table, string Probe, string Driver, List<(string Name, object Value)> Parameters)>();
        (string Condition, List<(string Name, object Value)> Parameters)? range = TimeRange(filter);
        if (range is { } time)
        {
            candidates.Add(("entry_index", time.Condition, time.Condition, time.Parameters));
        }

        IReadOnlyList<string> indexed = filter.Where.Count > 0 ? FieldIndexSql.Read(connection, null) : [];
        if (indexed.Count > 0)
        {
            for (int i = 0; i < filter.Where.Count; i++)
            {
                FieldPredicate predicate = filter.Where[i];
                if (LedgerQuery.UsesFieldIndex(predicate, indexed))
                {
                    // The parameter name is the one WherePredicateSql binds the value under.
                    string value = "@wv" + i.ToString(CultureInfo.InvariantCulture);
                    string condition = $"{FieldIndexSql.Expression(predicate.Path)} {Operator(predicate.Operator)} {value}";
                    string table = FieldIndexSql.Table(predicate.Path);
                    string driver = condition;
                    if (!predicate.Path.IsInput)
                    {
                        table += " INDEXED BY " + FieldIndexSql.Name(predicate.Path);
                        driver = range is { } bounds ? condition + " AND " + bounds.Condition : condition;
                    }

                    candidates.Add((table, condition, driver, [(value, WherePredicateSql.Bound(predicate.Value))]));
                }
            }
        }

        if (IndexWalk(filter, indexed, candidates.Count) is { } walk)
        {
            return walk;
        }

        string? best = null;
        string? timeDriver = null;
        long fewest = ProbeLimit;
        foreach ((string table, string probeCondition, string driverCondition, List<(string Name, object Value)> parameters) in candidates)
        {
            // Counting past the best count so far cannot find a better driver.
            string before = filter.BeforeSeq is null ? "" : " AND seq < @before_seq";
            using SqliteCommand probe = connection.CreateCommand();
            probe.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {probeCondition}{before} LIMIT {fewest.ToString(CultureInfo.InvariantCulture)});";
            foreach ((string name, object value) in parameters)
            {
                probe.Parameters.AddWithValue(name, value);
            }

            if (filter.BeforeSeq is { } beforeSeq)
            {
                probe.Parameters.AddWithValue("@before_seq", beforeSeq);
            }

            long count = (long)probe.ExecuteScalar()!;
            string driver = $"seq IN (SELECT seq FROM {table} WHERE {driverCondition}{before})";
            timeDriver ??= filter.From is not null || filter.To is not null ? driver : null;
            if (count < fewest)
            {
                fewest = count;
                best = driver;
            }
        }

        if (best is not null || timeDriver is null)
        {
            return new SqliteQueryPlan(best, null);
        }

        long top = filter.BeforeSeq ?? NextSeq(connection);
        return new SqliteQueryPlan(timeDriver, Math.Max(0, top - Window));
    }

    // Equality on one indexed entry path, and no other indexed filter: the path's index (value, seq)
    // is already in seq order, so walking it newest first needs neither a probe nor a sort.
    private static SqliteQueryPlan? IndexWalk(EntryFilter filter, IReadOnlyList<string> indexed, int candidates)
    {
        bool otherIndexedFilter = filter.RequestId is not null || filter.ModelName is not null || filter.ModelVersion is not null
            || filter.UserId is not null || filter.Tenant is not null || filter.SubjectId is not null
            || filter.InputFingerprint is not null || filter.Kind is not null || filter.From is not null || filter.To is not null;
        if (otherIndexedFilter || candidates != 1)
        {
            return null;
        }

        for (int i = 0; i < filter.Where.Count; i++)
        {
            FieldPredicate predicate = filter.Where[i];
            if (predicate.Operator == WhereOperator.Equal && !predicate.Path.IsInput && LedgerQuery.UsesFieldIndex(predicate, indexed))
            {
                string value = "@wv" + i.ToString(CultureInfo.InvariantCulture);
                return new SqliteQueryPlan($"{FieldIndexSql.Expression(predicate.Path)} = {value}", null, FieldIndexSql.Name(predicate.Path));
            }
        }

        return null;
    }

    /// <summary>The time-index driver of <paramref name="filter"/> (which must hold a time bound), below its <see cref="EntryFilter.BeforeSeq"/>.</summary>
    public static string TimeRangeDriver(EntryFilter filter)
    {
        string condition = TimeRange(filter)?.Condition ?? throw new ArgumentException("The filter has no time bound.", nameof(filter));
        return $"seq IN (SELECT seq FROM entry_index WHERE {condition}{(filter.BeforeSeq is null ? "" : " AND seq < @before_seq")})";
    }

    private static (string Condition, List<(string Name, object Value)> Parameters)? TimeRange(EntryFilter filter)
    {
        if (filter.From is null && filter.To is null)
        {
            return null;
        }

        var parameters = new List<(string, object)>();
        var condition = new List<string>();
        if (filter.From is { } from)
        {
            condition.Add("ts >= @from");
            parameters.Add(("@from", SqliteRows.ToUnixMicroseconds(from)));
        }

        if (filter.To is { } to)
        {
            condition.Add("ts < @to");
            parameters.Add(("@to", SqliteRows.ToUnixMicroseconds(to)));
        }

        return (string.Join(" AND ", condition), parameters);
    }

    private static long NextSeq(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT max(seq) FROM entries;";
        return command.ExecuteScalar() is long max ? max + 1 : 0;
    }

    private static string Operator(WhereOperator op) => op switch
    {
        WhereOperator.Equal => "=",
        WhereOperator.Less => "<",
        WhereOperator.LessOrEqual => "<=",
        WhereOperator.Greater => ">",
        WhereOperator.GreaterOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Only comparisons read an index."),
    };
}
