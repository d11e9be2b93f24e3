using System.Text.Json;
using System.Text.RegularExpressions;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Entry format 2 on a real PostgreSQL ledger (<c>--store postgres</c>): the recorder writes the format event, the
/// <c>prev</c> chains and the heads entries, <c>verify</c> passes (also across a switch from v1), <c>erase</c> leaves
/// the subject id in no row of the schema, and the owner's edits of a stored body behind the triggers are caught.
/// </summary>
public sealed partial class PostgresV2LedgerTests
{
    private const string SubjectId = "erin.pg-v2-subject-5521@example.test";
    private const string OtherSubjectId = "bob.pg-v2-subject-0417@example.test";

    [PostgresFact]
    public async Task Record_V2Ledger_WritesTheFormatEventPrevChainsAndHeadsAndVerifies()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        await ledger.InitAsync(v2: true);
        await ledger.RecordAsync(("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"), (null, "fraud"), ("alice", "fraud"));
        await ledger.RecordAsync(("bob", "credit"), ("alice", "fraud"));

        List<JsonElement> entries = await ReadEntriesAsync(ledger);

        Assert.Equal(("format", 2), (KindOf(entries[0]), entries[0].GetProperty("v").GetInt32()));
        Assert.All(entries, entry => Assert.Equal(2, entry.GetProperty("v").GetInt32()));
        Assert.Equal("heads", KindOf(entries[^1]));
        Assert.True(entries.Count(entry => KindOf(entry) == "heads") >= 2, "each recorder run signs a checkpoint after a heads entry");
        Assert.Equal(7, AssertChainsLinkBack(entries));
        Assert.DoesNotContain(entries, entry => entry.GetRawText().Contains("alice", StringComparison.Ordinal));
        CliResult verify = await ledger.VerifyAsync();
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [PostgresFact]
    public async Task Record_V1LedgerSwitchedToV2_WritesOneFormatEventAtTheSwitchAndVerifies()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        await ledger.InitAsync(v2: false);
        await ledger.RecordAsync(("alice", "fraud"), ("bob", "fraud"), ("alice", "fraud"));
        int v1Size = (await ReadEntriesAsync(ledger)).Count;

        ledger.SwitchConfigToV2();
        await ledger.RecordAsync(("alice", "fraud"), ("alice", "credit"));
        await ledger.RecordAsync(("bob", "fraud"), ("alice", "fraud"));

        List<JsonElement> entries = await ReadEntriesAsync(ledger);
        Assert.Equal(("format", 2), (KindOf(entries[v1Size]), entries[v1Size].GetProperty("v").GetInt32()));
        Assert.Single(entries, entry => KindOf(entry) == "format");
        Assert.All(entries.Take(v1Size), entry => Assert.Equal(1, entry.GetProperty("v").GetInt32()));
        Assert.All(entries.Skip(v1Size), entry => Assert.Equal(2, entry.GetProperty("v").GetInt32()));
        Assert.Equal(4, AssertChainsLinkBack(entries));
        CliResult verify = await ledger.VerifyAsync();
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [PostgresFact]
    public async Task Erase_V2Ledger_NoRowOfTheSchemaHoldsTheSubjectIdAndVerifyPasses()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        await ledger.InitAsync(v2: true);
        await ledger.RecordAsync((OtherSubjectId, "fraud"), (SubjectId, "fraud"), (null, "credit"), (SubjectId, "credit"), (OtherSubjectId, "fraud"));
        Assert.Equal(["subjects"], await ledger.TablesContainingAsync(SubjectId));

        CliResult erase = await CliRun.RunAsync(["erase", "--subject", SubjectId, "--reason", "GDPR Art. 17 request", "--by", "dpo", .. ledger.Store, "--json"]);

        Assert.True(erase.ExitCode == 0, erase.ToString());
        Assert.DoesNotContain(SubjectId, erase.Error, StringComparison.Ordinal);
        using (JsonDocument json = JsonDocument.Parse(erase.Out))
        {
            Assert.Equal(2, json.RootElement.GetProperty("decisionsErased").GetInt64());
        }

        Assert.Empty(await ledger.TablesContainingAsync(SubjectId));
        Assert.Empty(LedgerDirectoryFilesContaining(ledger, SubjectId));
        CliResult verify = await ledger.VerifyAsync();
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Empty(await ledger.TablesContainingAsync(SubjectId));
        Assert.True(await ledger.TablesContainingAsync(OtherSubjectId) is ["subjects"], "only the erased subject's mapping is gone");
    }

    // The owner re-points alice's third entry at her first, skipping the second, in the stored body only: the body
    // no longer hashes to its stored leaf hash, which verify checks before it walks the chains (docs/format.md,
    // tamper kinds: content-changed).
    [PostgresFact]
    public async Task Tamper_PrevLinkRepointedInAStoredBody_IsCaughtAsContentChanged()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        (long seq, string forged) = await RepointThirdAliceEntryAsync(ledger);

        await ledger.ReplaceBodyAsync(seq, forged, rehashLeaf: false);
        CliResult verify = await ledger.VerifyAsync();

        AssertFinding(verify, seq, "content-changed");
    }

    // Same edit, and the owner recomputes the stored leaf hash as well: the leaf check passes, and the chain walk,
    // which comes before the tiles and checkpoints are compared, names the entry with the wrong link (chain-broken).
    [PostgresFact]
    public async Task Tamper_PrevLinkRepointedWithTheLeafHashRecomputed_IsCaughtAsChainBroken()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        (long seq, string forged) = await RepointThirdAliceEntryAsync(ledger);

        await ledger.ReplaceBodyAsync(seq, forged, rehashLeaf: true);
        CliResult verify = await ledger.VerifyAsync();

        AssertFinding(verify, seq, "chain-broken");
        Assert.Contains("prev.subject", verify.Out, StringComparison.Ordinal);
    }

    // A heads entry whose root the owner replaced in the store: the body alone no longer hashes to its leaf
    // (content-changed); with the leaf hash recomputed too, the heads map rebuilt from the decisions before it
    // disagrees with the forged root (heads-mismatch). Either way at the heads entry's seq.
    [PostgresFact]
    public async Task Tamper_HeadsEntryRootForgedInTheStoredBody_IsCaughtAsContentChanged() =>
        await AssertForgedHeadsRootCaughtAsync(rehashLeaf: false, "content-changed");

    [PostgresFact]
    public async Task Tamper_HeadsEntryRootForgedWithTheLeafHashRecomputed_IsCaughtAsHeadsMismatch() =>
        await AssertForgedHeadsRootCaughtAsync(rehashLeaf: true, "heads-mismatch");

    private static async Task AssertForgedHeadsRootCaughtAsync(bool rehashLeaf, string kind)
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        await ledger.InitAsync(v2: true);
        await ledger.RecordAsync(("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"));
        await ledger.RecordAsync(("alice", "fraud"));
        (long seq, string body) = (await ledger.ReadBodiesAsync()).First(row => row.Body.Contains("\"kind\":\"heads\"", StringComparison.Ordinal));
        string forged = RootMember().Replace(body, "\"root\":\"" + Convert.ToBase64String(new byte[32]) + "\"", 1);
        Assert.NotEqual(body, forged);

        await ledger.ReplaceBodyAsync(seq, forged, rehashLeaf);
        CliResult verify = await ledger.VerifyAsync();

        AssertFinding(verify, seq, kind);
    }

    private static async Task<(long Seq, string Forged)> RepointThirdAliceEntryAsync(PostgresScratchLedger ledger)
    {
        await ledger.InitAsync(v2: true);
        await ledger.RecordAsync(("alice", "fraud"), ("bob", "fraud"), ("alice", "credit"), ("bob", "fraud"), ("alice", "fraud"));
        CliResult before = await ledger.VerifyAsync();
        Assert.True(before.ExitCode == 0, before.ToString());

        List<JsonElement> entries = await ReadEntriesAsync(ledger);
        List<JsonElement> alice = [.. entries.Where(entry => KindOf(entry) is null && entry.TryGetProperty("subject", out _))
            .GroupBy(entry => entry.GetProperty("subject").GetProperty("ref").GetString())
            .First(group => group.Count() == 3)];
        long first = alice[0].GetProperty("seq").GetInt64();
        long second = alice[1].GetProperty("seq").GetInt64();
        long third = alice[2].GetProperty("seq").GetInt64();
        Assert.Equal(second, alice[2].GetProperty("prev").GetProperty("subject").GetInt64());

        string body = (await ledger.ReadBodiesAsync()).Single(row => row.Seq == third).Body;
        string link = $"\"subject\":{second}}}";
        Assert.Contains(link, body, StringComparison.Ordinal);
        return (third, body.Replace(link, $"\"subject\":{first}}}", StringComparison.Ordinal));
    }

    // Walks the v2 decisions in seq order and checks each prev link against the last seq of its model and subject
    // ref (-1 when none); returns the number of decisions walked.
    private static int AssertChainsLinkBack(List<JsonElement> entries)
    {
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        int decisions = 0;
        foreach (JsonElement entry in entries.Where(e => e.GetProperty("v").GetInt32() == 2 && KindOf(e) is null))
        {
            long seq = entry.GetProperty("seq").GetInt64();
            JsonElement prev = entry.GetProperty("prev");
            string model = "m:" + entry.GetProperty("model").GetProperty("name").GetString();
            Assert.Equal(last.GetValueOrDefault(model, -1), prev.GetProperty("model").GetInt64());
            last[model] = seq;
            if (entry.TryGetProperty("subject", out JsonElement subject))
            {
                Assert.False(subject.TryGetProperty("id", out _), $"seq {seq} carries a clear subject id");
                string key = "s:" + subject.GetProperty("ref").GetString();
                Assert.Equal(last.GetValueOrDefault(key, -1), prev.GetProperty("subject").GetInt64());
                last[key] = seq;
            }
            else
            {
                Assert.Equal(-1, prev.GetProperty("subject").GetInt64());
            }

            decisions++;
        }

        return decisions;
    }

    private static void AssertFinding(CliResult verify, long seq, string kind)
    {
        Assert.True(verify.ExitCode == 1, verify.ToString());
        Assert.True(verify.Out.Contains($"first bad seq {seq}: {kind}", StringComparison.Ordinal), verify.ToString());
    }

    private static async Task<List<JsonElement>> ReadEntriesAsync(PostgresScratchLedger ledger) =>
        [.. (await ledger.ReadBodiesAsync()).Select(row => JsonDocument.Parse(row.Body).RootElement.Clone())];

    private static string? KindOf(JsonElement entry) => entry.TryGetProperty("kind", out JsonElement kind) ? kind.GetString() : null;

    private static List<string> LedgerDirectoryFilesContaining(PostgresScratchLedger ledger, string text) =>
        [.. Directory.EnumerateFiles(ledger.Directory, "*", SearchOption.AllDirectories)
            .Where(path => File.ReadAllText(path).Contains(text, StringComparison.Ordinal))];

    [GeneratedRegex("\"root\":\"[^\"]*\"")]
    private static partial Regex RootMember();
}
