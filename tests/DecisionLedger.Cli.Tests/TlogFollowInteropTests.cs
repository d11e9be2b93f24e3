using System.Net;
using System.Text;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Go's own tlog client (golang.org/x/mod/sumdb/tlog and sumdb/note, tests/interop/tlog-follow) follows a real
/// <c>dledger serve</c> and a <c>dledger export --tiles</c> directory to the signed root.
/// </summary>
public sealed class TlogFollowInteropTests
{
    [GoFact]
    public async Task GoTlogClient_FollowsServe_VerifiesNoteProvesInclusionAndConsistency()
    {
        using var temp = new TempLedger();
        await Ok("demo", "--count", "300", "--ledger", temp.Ledger);
        string vkey = (await Ok("key", "--ledger", temp.Ledger)).Out.Trim();
        string monitor = (await Ok("keys", "create", "--role", "monitor", "--ledger", temp.Ledger)).Out.Trim();
        string auditor = (await Ok("keys", "create", "--role", "auditor", "--ledger", temp.Ledger)).Out.Trim();
        string ingest = (await Ok("keys", "create", "--role", "ingest", "--ledger", temp.Ledger)).Out.Trim();
        string old = Path.Combine(temp.Root, "old-checkpoint");
        using ServeProcess serve = await ServeProcess.StartAsync(temp.Ledger);
        string prefix = serve.Client.BaseAddress + "tlog/";

        (int code, string output) = await GoTlogFollow.RunAsync("-prefix", prefix, "-vkey", vkey, "-key", monitor, "-bundle-key", auditor, "-entries", "0,255,299", "-save", old);
        Assert.True(code == 0, output);
        Assert.Contains("ok: checkpoint", output, StringComparison.Ordinal);
        Assert.Contains("size 300 root", output, StringComparison.Ordinal);
        Assert.Contains("ok: root recomputed from", output, StringComparison.Ordinal);
        Assert.Contains("ok: entry 299 ", output, StringComparison.Ordinal);

        // The log grows past a tile boundary at level 0 and starts a partial level-1 tile.
        using (HttpResponseMessage posted = await NdjsonPosts.PostAsync(serve, ingest, Encoding.UTF8.GetBytes(Some.DecisionLines(300))))
        {
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }

        await WaitForCheckpointSizeAsync(serve, monitor, 600);
        (code, output) = await GoTlogFollow.RunAsync("-prefix", prefix, "-vkey", vkey, "-key", monitor, "-bundle-key", auditor, "-entries", "0,299,300,511,512,599", "-old", old);
        Assert.True(code == 0, output);
        Assert.Contains("size 600 root", output, StringComparison.Ordinal);
        Assert.Contains("ok: entry 599 ", output, StringComparison.Ordinal);
        Assert.Contains("ok: tree 600 is consistent with the older signed tree 300", output, StringComparison.Ordinal);

        // And it can fail: another ledger's key does not open the note; without a key the tiles are refused.
        using var other = new TempLedger();
        await Ok("init", "--ledger", other.Ledger, "--origin", vkey.Split('+')[0]);
        string otherKey = (await Ok("key", "--ledger", other.Ledger)).Out.Trim();
        (code, output) = await GoTlogFollow.RunAsync("-prefix", prefix, "-vkey", otherKey, "-key", monitor);
        Assert.True(code == 1, output);
        Assert.Contains("note.Open", output, StringComparison.Ordinal);
        (code, output) = await GoTlogFollow.RunAsync("-prefix", prefix, "-vkey", vkey);
        Assert.True(code == 1, output);
        Assert.Contains("401", output, StringComparison.Ordinal);
    }

    [GoFact]
    public async Task GoTlogClient_FollowsExportedTilesDirectory_AndRejectsATamperedTile()
    {
        using var temp = new TempLedger();
        await Ok("demo", "--count", "520", "--ledger", temp.Ledger);
        string vkey = (await Ok("key", "--ledger", temp.Ledger)).Out.Trim();
        string tiles = Path.Combine(temp.Root, "tiles");
        await Ok("export", "--tiles", tiles, "--ledger", temp.Ledger);
        string prefix = new Uri(tiles + Path.DirectorySeparatorChar).AbsoluteUri;

        (int code, string output) = await GoTlogFollow.RunAsync("-prefix", prefix, "-vkey", vkey, "-entries", "0,256,519");
        Assert.True(code == 0, output);
        Assert.Contains("size 520 root", output, StringComparison.Ordinal);
        Assert.Contains("ok: entry 519 ", output, StringComparison.Ordinal);

        string tile = Path.Combine(tiles, "tile", "0", "001");
        byte[] bytes = File.ReadAllBytes(tile);
        bytes[100] ^= 1;
        File.WriteAllBytes(tile, bytes);
        (code, output) = await GoTlogFollow.RunAsync("-prefix", prefix, "-vkey", vkey, "-entries", "300");
        Assert.True(code == 1, output);
    }

    // The recorder signs a checkpoint every few seconds: wait for the one covering the posted decisions.
    private static async Task WaitForCheckpointSizeAsync(ServeProcess serve, string key, long size)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string last = string.Empty;
        while (!deadline.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/tlog/checkpoint");
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            using HttpResponseMessage response = await serve.Client.SendAsync(request);
            last = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && last.Split('\n')[1] == size.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no checkpoint of size {size} within 60 s; the last was:\n{last}");
    }

    private static async Task<CliResult> Ok(params string[] args)
    {
        CliResult result = await CliRun.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
