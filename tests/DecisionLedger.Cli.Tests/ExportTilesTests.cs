using System.Text.Json;
using DecisionLedger.Checkpoints;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>dledger export --tiles DIR</c>: the ledger as tlog-tiles static files, checked without serving anything.</summary>
public sealed class ExportTilesTests
{
    [Fact]
    public async Task ExportTiles_600Entries_RootRecomputedFromWrittenTilesEqualsSignedCheckpoint()
    {
        using var temp = new TempLedger();
        await Ok("demo", "--count", "600", "--ledger", temp.Ledger);
        string key = (await Ok("key", "--ledger", temp.Ledger)).Out.Trim();
        string tiles = Path.Combine(temp.Root, "tiles");

        CliResult export = await Ok("export", "--tiles", tiles, "--ledger", temp.Ledger, "--json");

        Checkpoint checkpoint = CheckpointNote.Open(File.ReadAllText(Path.Combine(tiles, "checkpoint")), NoteVerifier.Parse(key));
        Assert.Equal(600, checkpoint.Size);
        using (JsonDocument summary = JsonDocument.Parse(export.Out))
        {
            Assert.Equal(600, summary.RootElement.GetProperty("treeSize").GetInt64());
            Assert.Equal(0, summary.RootElement.GetProperty("refusedBundles").GetArrayLength());
        }

        // 600 = 2 full level-0 tiles + 88; level 1 holds the tops of those 2 full tiles.
        string[] files = [.. Directory.EnumerateFiles(tiles, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tiles, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];
        Assert.Equal(
            ["checkpoint", "tile/0/000", "tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2", "tile/entries/000", "tile/entries/001", "tile/entries/002.p/88"],
            files);

        var read = new TlogTileFiles(tiles);
        Assert.Equal(checkpoint.RootHash.ToArray(), read.Root(checkpoint.Size));

        // Every entry of every bundle hashes to its leaf in the level-0 tile.
        foreach ((string bundle, string tile) in new[] { ("tile/entries/000", "tile/0/000"), ("tile/entries/001", "tile/0/001"), ("tile/entries/002.p/88", "tile/0/002.p/88") })
        {
            IReadOnlyList<byte[]> entries = read.Entries(bundle);
            IReadOnlyList<byte[]> leaves = read.Hashes(tile);
            Assert.Equal(leaves.Count, entries.Count);
            for (int i = 0; i < entries.Count; i++)
            {
                Assert.Equal(leaves[i], TlogTileFiles.LeafHash(entries[i]));
            }
        }

        // The check can fail: one flipped bit in the level-1 tile changes the recomputed root.
        string level1 = Path.Combine(tiles, "tile", "1", "000.p", "2");
        byte[] bytes = File.ReadAllBytes(level1);
        bytes[5] ^= 1;
        File.WriteAllBytes(level1, bytes);
        Assert.NotEqual(checkpoint.RootHash.ToArray(), read.Root(checkpoint.Size));
    }

    [Fact]
    public async Task ExportTiles_EntryOver65535Bytes_BundleRefusedWithWarning_HashTilesStillCommitToIt()
    {
        using var temp = new TempLedger();
        await Ok("init", "--origin", "t.example/big", "--ledger", temp.Ledger);
        string big = Some.DecisionJson(2).Replace("\"label\":\"legit\"", "\"label\":\"" + new string('a', 40_000) + "\",\"note\":\"" + new string('b', 40_000) + "\"", StringComparison.Ordinal);
        string file = Path.Combine(temp.Root, "decisions.ndjson");
        await File.WriteAllTextAsync(file, Some.DecisionJson(0) + "\n" + Some.DecisionJson(1) + "\n" + big + "\n");
        await Ok("record", file, "--ledger", temp.Ledger);
        string key = (await Ok("key", "--ledger", temp.Ledger)).Out.Trim();
        string tiles = Path.Combine(temp.Root, "tiles");

        CliResult export = await Ok("export", "--tiles", tiles, "--ledger", temp.Ledger);

        Assert.Contains("warning: not written: tile/entries/000.p/3: entry seq 2 is", export.Error, StringComparison.Ordinal);
        Assert.Contains("65535", export.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(tiles, "tile", "entries", "000.p", "3")));
        Checkpoint checkpoint = CheckpointNote.Open(File.ReadAllText(Path.Combine(tiles, "checkpoint")), NoteVerifier.Parse(key));
        Assert.Equal(3, checkpoint.Size);
        Assert.Equal(checkpoint.RootHash.ToArray(), new TlogTileFiles(tiles).Root(checkpoint.Size));
    }

    [Fact]
    public async Task ExportTiles_WithOut_RefusedNamingBoth()
    {
        using var temp = new TempLedger();
        await Ok("demo", "--count", "3", "--ledger", temp.Ledger);

        CliResult result = await CliRun.RunAsync("export", "--tiles", Path.Combine(temp.Root, "t"), "--out", Path.Combine(temp.Root, "b"), "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--tiles", result.Error, StringComparison.Ordinal);
        Assert.Contains("--out", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(temp.Root, "t")));
    }

    [Fact]
    public async Task Export_NeitherOutNorTiles_ExitsBadInputNamingOut()
    {
        using var temp = new TempLedger();
        await Ok("demo", "--count", "1", "--ledger", temp.Ledger);

        CliResult result = await CliRun.RunAsync("export", "--ledger", temp.Ledger);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.Error, StringComparison.Ordinal);
    }

    private static async Task<CliResult> Ok(params string[] args)
    {
        CliResult result = await CliRun.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
