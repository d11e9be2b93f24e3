using DecisionLedger.Archiving;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The archive facet: recorded archived ranges, the sanctioned removal of archived decision rows
/// (whole months dropped, partly archived months deleted row by row; see
/// <see cref="PostgreSqlArchiveSchema"/>), and leaf hashes of removed rows read back from the tiles.
/// </summary>
public sealed partial class PostgreSqlLedgerStore : IArchivedRangeStore
{
    /// <inheritdoc />
    /// <remarks>Through <c>record_archived_range</c>, which also refuses a range whose last seq lies in no stored level-0 tile.</remarks>
    public ValueTask RecordArchivedRangeAsync(ArchivedRange range, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        _db.ThrowIfReadOnly($"record the archived range {range.FirstSeq}…{range.LastSeq}");
        return new(_db.ReadAsync(
            $"record the archived range {range.FirstSeq}…{range.LastSeq}",
            async (connection, ct) =>
            {
                await PostgreSqlArchivedRanges.RecordAsync(connection, _schema, range, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ArchivedRange>> ReadArchivedRangesAsync(CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync("read the archived ranges", (connection, ct) => PostgreSqlArchivedRanges.ReadAllAsync(connection, _schema, ct), cancellationToken));

    /// <inheritdoc />
    /// <remarks>
    /// Through <c>remove_archived_bodies</c>, in one transaction: a month partition whose every
    /// decision is archived is detached, replaced by a partition holding the month's event entries
    /// and dropped (its disk space is free at once, logged in <c>dropped_partitions</c>); decisions
    /// of months archived only in part are deleted row by row. The swap locks <c>entries</c>
    /// exclusively for a moment, so a running collector's appends wait for it.
    /// </remarks>
    public ValueTask<long> RemoveArchivedBodiesAsync(long firstSeq, long lastSeq, CancellationToken cancellationToken = default)
    {
        _db.ThrowIfReadOnly($"remove the archived decision rows {firstSeq}…{lastSeq}");
        return new(_db.ReadAsync(
            $"remove the archived decision rows {firstSeq}…{lastSeq}",
            (connection, ct) => PostgreSqlArchivedRanges.RemoveAsync(connection, _schema, firstSeq, lastSeq, ct),
            cancellationToken));
    }

    /// <inheritdoc />
    /// <remarks>
    /// PostgreSQL <c>VACUUM</c> of <c>entries</c> and <c>inputs</c>: the space of rows deleted from
    /// partly archived months becomes reusable (dropped months need nothing). It runs only for the
    /// tables' owner; for the application role PostgreSQL skips it with a warning, and autovacuum
    /// does the same work on its own schedule.
    /// </remarks>
    public ValueTask CompactAsync(CancellationToken cancellationToken = default)
    {
        _db.ThrowIfReadOnly("compact the ledger tables (VACUUM)");
        return new(_db.ReadAsync(
            "compact the ledger tables (VACUUM)",
            async (connection, ct) =>
            {
                var vacuum = new Npgsql.NpgsqlCommand($"VACUUM {_schema}.entries, {_schema}.inputs;", connection);
                await using var vacuumScope = vacuum.ConfigureAwait(false);
                return await vacuum.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken));
    }

    // Archived decision rows are gone from entries, their leaves are not: every archived seq lies in
    // a stored level-0 tile (record_archived_range refuses any other range).
    private async Task<IReadOnlyList<Sha256Hash>> FillArchivedLeavesAsync(
        IReadOnlyList<Sha256Hash> live, IReadOnlyList<long> liveSeqs, long fromSeq, long toSeq, CancellationToken cancellationToken)
    {
        long removed = await _db.ReadAsync("read the archived rows count", (connection, ct) => PostgreSqlArchivedRanges.RemovedRowsAsync(connection, _schema, ct), cancellationToken).ConfigureAwait(false);
        if (removed == 0)
        {
            return live;
        }

        var leaves = new List<Sha256Hash>((int)Math.Min(toSeq - fromSeq, 1 << 16));
        Tile? tile = null;
        long tileIndex = -1;
        int next = 0;
        for (long seq = fromSeq; seq < toSeq; seq++)
        {
            if (next < liveSeqs.Count && liveSeqs[next] == seq)
            {
                leaves.Add(live[next++]);
                continue;
            }

            if (seq / Tile.Width != tileIndex)
            {
                tileIndex = seq / Tile.Width;
                tile = await _log.ReadTileAsync(new TileId(0, tileIndex), cancellationToken).ConfigureAwait(false);
            }

            if (tile is null)
            {
                // A real gap: callers compare the count with the range and name the missing seq.
                break;
            }

            leaves.Add(tile.GetNode(0, (int)(seq % Tile.Width)));
        }

        return leaves;
    }
}
