using System.Buffers;
using DecisionLedger.Encryption;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// One page of a verification: the entries filed under a <c>seq</c> range, their level-0 tiles,
/// their stored inputs and the rows of the store's derived tables, read with one range query each,
/// with every entry's and input's own work (parsing, canonical form, leaf hash, input digest,
/// derived rows) already done. Pages are loaded on several
/// cores at once and merged in order.
/// </summary>
internal sealed class VerificationPage : IDisposable
{
    private static readonly List<StoredInput> s_noInputs = [];
    private EntryCheck[]? _checks;
    private InputCheck[]? _inputChecks;
    private readonly string?[]? _derivedMismatches;

    private VerificationPage(long start, long end, List<StoredEntry> entries, EntryCheck[] checks, string?[]? derivedMismatches, long firstTile, Tile?[] tiles, List<StoredInput> inputs, InputCheck[]? inputChecks)
    {
        _derivedMismatches = derivedMismatches;
        Start = start;
        End = end;
        Entries = entries;
        _checks = checks;
        FirstTile = firstTile;
        Tiles = tiles;
        Inputs = inputs;
        _inputChecks = inputChecks;
    }

    /// <summary>The first row <c>seq</c> of the page.</summary>
    public long Start { get; }

    /// <summary>One past the last row <c>seq</c> of the page.</summary>
    public long End { get; }

    /// <summary>The rows the store returned for the range, in storage order.</summary>
    public List<StoredEntry> Entries { get; }

    /// <summary>The index of <see cref="Tiles"/>[0].</summary>
    public long FirstTile { get; }

    /// <summary>The level-0 tiles covering the range; null for a tile not yet complete at the verified size, or missing.</summary>
    public Tile?[] Tiles { get; }

    /// <summary>The stored inputs of the range, ascending by <c>seq</c>.</summary>
    public List<StoredInput> Inputs { get; }

    /// <summary>The per-entry work of <see cref="Entries"/>[i].</summary>
    public ref readonly EntryCheck Check(int index) => ref _checks![index];

    /// <summary>The finding's sentence for the first derived row of <see cref="Entries"/>[i] that is wrong or missing, or null.</summary>
    public string? DerivedMismatch(int index) => _derivedMismatches?[index];

    /// <summary>The check done ahead for <see cref="Inputs"/>[i].</summary>
    public InputCheck InputCheck(int index) => _inputChecks is null ? default : _inputChecks[index];

    /// <summary>Reads the range [<paramref name="start"/>, <paramref name="end"/>) and does its per-entry work.</summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    /// <remarks>With <paramref name="expired"/>, the decisions of archive files the retention policy deleted get placeholders (see <see cref="ExpiredSpans"/>).</remarks>
    public static async Task<VerificationPage> LoadAsync(ILedgerStore store, long start, long end, long size, VerificationOptions options, CancellationToken cancellationToken, ExpiredSpans? expired = null)
    {
        var entries = new List<StoredEntry>((int)(end - start));
        await foreach (StoredEntry entry in store.ReadEntriesAsync(start, end, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        if (expired is not null)
        {
            entries = expired.FillGaps(entries, start, end);
        }

        EntryCheck[] checks = ArrayPool<EntryCheck>.Shared.Rent(Math.Max(1, entries.Count));
        for (int i = 0; i < entries.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            checks[i] = ExpiredSpans.IsPlaceholder(entries[i])
                ? EntryCheck.ForExpired()
                : EntryCheck.Compute(entries[i].CanonicalBytes, options.CheckCanonicalForm, entries[i].Columns);
        }

        string?[]? derivedMismatches = await DerivedRowCheck.CheckPageAsync(store, start, end, entries, cancellationToken).ConfigureAwait(false);
        long firstTile = start / Tile.Width;
        var tiles = new Tile?[end > start ? ((end - 1) / Tile.Width) - firstTile + 1 : 0];
        for (int t = 0; t < tiles.Length; t++)
        {
            long index = firstTile + t;
            tiles[t] = (index + 1) * Tile.Width <= size
                ? await store.ReadTileAsync(new TileId(0, index), cancellationToken).ConfigureAwait(false)
                : null;
        }

        if (!options.CheckInputs)
        {
            return new VerificationPage(start, end, entries, checks, derivedMismatches, firstTile, tiles, s_noInputs, null);
        }

        var inputs = new List<StoredInput>();
        await foreach (StoredInput input in store.ReadInputsAsync(start, end, cancellationToken).ConfigureAwait(false))
        {
            inputs.Add(input);
        }

        InputCheck[] inputChecks = ArrayPool<InputCheck>.Shared.Rent(Math.Max(1, inputs.Count));
        for (int i = 0; i < inputs.Count; i++)
        {
            inputChecks[i] = CheckAhead(inputs[i], start, entries, checks);
        }

        return new VerificationPage(start, end, entries, checks, derivedMismatches, firstTile, tiles, inputs, inputChecks);
    }

    /// <summary>Returns the pooled arrays; the page must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_checks is not null)
        {
            ArrayPool<EntryCheck>.Shared.Return(_checks);
            _checks = null;
        }

        if (_inputChecks is not null)
        {
            ArrayPool<InputCheck>.Shared.Return(_inputChecks);
            _inputChecks = null;
        }
    }

    // Checked against the entry filed under the same seq, which is the entry the merge pairs it with
    // whenever the page is intact; encrypted inputs wait for their subject key in the merge.
    private static InputCheck CheckAhead(StoredInput input, long start, List<StoredEntry> entries, EntryCheck[] checks)
    {
        long index = input.Seq - start;
        if (index < 0 || index >= entries.Count || InputEncryption.IsEncrypted(input.Input))
        {
            return default;
        }

        ref readonly EntryCheck check = ref checks[index];
        if (!check.Readable || check.Fields.Seq != input.Seq || check.Fields.InputDigest is not { } expected)
        {
            return default;
        }

        bool matches = EntryFields.InputMatches(input.Salt, input.Input, expected, out Hashing.Sha256Hash found);
        return new InputCheck(expected, matches, found);
    }
}
