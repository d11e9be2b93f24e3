using DecisionLedger.Archiving;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>The archive facet: recorded archived ranges, the sanctioned removal of archived decision rows, and leaf hashes read back from the tiles.</summary>
public sealed partial class SqliteLedgerStore : IArchivedRangeStore
{
    /// <inheritdoc />
    public ValueTask RecordArchivedRangeAsync(ArchivedRange range, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        cancellationToken.ThrowIfCancellationRequested();
        _db.Write($"record the archived range {range.FirstSeq}…{range.LastSeq}", writer => SqliteArchivedRanges.Record(writer.Connection, range));
        return default;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ArchivedRange>> ReadArchivedRangesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<ArchivedRange>>(
            _db.Read("read the archived ranges", IReadOnlyList<ArchivedRange> (connection) => SqliteArchivedRanges.ReadAll(connection, null)));
    }

    /// <inheritdoc />
    public ValueTask<long> RemoveArchivedBodiesAsync(long firstSeq, long lastSeq, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long removed = 0;
        _db.Write($"remove the archived decision rows {firstSeq}…{lastSeq}", writer =>
        {
            // The indexer must not write index rows back for entries about to go.
            _db.CatchUpIndex(writer);
            removed = SqliteArchivedRanges.Remove(writer.Connection, firstSeq, lastSeq);
        });
        return new ValueTask<long>(removed);
    }

    /// <inheritdoc />
    /// <remarks>SQLite <c>VACUUM</c>: rewrites the file without the free pages, so it needs free disk space about the size of the live database.</remarks>
    public ValueTask CompactAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _db.Write("compact the ledger database (VACUUM)", writer =>
        {
            using SqliteCommand checkpoint = writer.Connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        });
        return default;
    }

    // Archived decision rows are gone from entries, their leaves are not: every archived seq lies in
    // a full level-0 tile (the archiver never takes seqs of the partial tail tile).
    private async ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAcrossArchiveAsync(long fromSeq, long toSeq, CancellationToken cancellationToken)
    {
        IReadOnlyList<Sha256Hash> live = await _log.ReadLeafHashesAsync(fromSeq, toSeq, cancellationToken).ConfigureAwait(false);
        if (live.Count >= toSeq - fromSeq || fromSeq >= toSeq)
        {
            return live;
        }

        bool archived = _db.Read("read the archived rows count", connection => SqliteArchivedRanges.RemovedRows(connection) > 0);
        if (!archived)
        {
            return live;
        }

        Dictionary<long, Sha256Hash> rows = _db.Read("read leaf hashes", connection => SqliteArchivedRanges.ReadLiveLeaves(connection, DatabasePath, fromSeq, toSeq));
        var leaves = new List<Sha256Hash>((int)Math.Min(toSeq - fromSeq, 1 << 16));
        Tile? tile = null;
        long tileIndex = -1;
        for (long seq = fromSeq; seq < toSeq; seq++)
        {
            if (rows.TryGetValue(seq, out Sha256Hash hash))
            {
                leaves.Add(hash);
                continue;
            }

            if (seq / Tile.Width != tileIndex)
            {
                tileIndex = seq / Tile.Width;
                tile = await _tiles.ReadTileAsync(new TileId(0, tileIndex), cancellationToken).ConfigureAwait(false);
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
