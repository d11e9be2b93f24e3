using System.Globalization;
using System.Text;
using DecisionLedger.Canonicalization;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Tests.Verification;

namespace DecisionLedger.Tests.Reporting;

/// <summary>
/// A small in-memory ledger for subject reports: decision entries about <c>customer-{seq % 5}</c>
/// with explanations, optional ledger events, and a signed checkpoint wherever the test asks.
/// </summary>
internal sealed class ReportLedger
{
    private readonly MerkleTree _tree = MerkleTree.CreateEmpty(new InMemoryTileStore());

    public InMemoryLedgerStore Store { get; } = new();

    public static string SubjectOf(long seq) => $"customer-{seq % 5}";

    /// <summary>Appends <paramref name="count"/> decisions, then signs a checkpoint when <paramref name="checkpoint"/> is set.</summary>
    public ReportLedger AddDecisions(int count, bool checkpoint = true, Func<long, string>? subjectOf = null, Func<long, string>? outputOf = null)
    {
        for (int i = 0; i < count; i++)
        {
            long seq = _tree.Size;
            string subject = (subjectOf ?? SubjectOf)(seq);
            string output = outputOf?.Invoke(seq) ?? $$"""{"score":0.{{seq % 10}}1,"label":"{{(seq % 2 == 0 ? "fraud" : "legit")}}"}""";
            byte[] input = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes($$"""{"amount":{{seq * 10}}}"""));
            byte[] salt = TestLedger.Salt(seq);
            string json = $$"""
                {"v":1,"seq":{{seq}},"requestId":"req-{{seq:D6}}","timestamp":"2026-11-{{1 + (seq % 28):D2}}T14:05:{{seq % 60:D2}}.000000Z",
                 "model":{"name":"fraud_detector","version":"3.2.{{seq % 3}}"},"output":{{output}},
                 "explanation":{"method":"feature-contribution","baseValue":0.1,
                   "attributions":{"amount":0.42,"merchant":-0.05,"country":0.{{seq % 10}},"hour":-0.6,"device":0.01} },
                 "subject":{"id":{{System.Text.Json.JsonSerializer.Serialize(subject)}}},"inputDigest":"{{TestLedger.Digest(salt, input).ToHex()}}","redactions":[]}
                """;
            byte[] bytes = JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json));
            Append(new StoredEntry(seq, bytes, MerkleHasher.HashLeaf(bytes), Columns(seq, subject, EntryColumns.DecisionKind)), new StoredInput(seq, salt, input));
        }

        if (checkpoint)
        {
            Checkpoint();
        }

        return this;
    }

    /// <summary>Appends a ledger event (not a decision) about <paramref name="subject"/>, whose bytes a decision parser would refuse.</summary>
    public ReportLedger AddEvent(string subject, string kind = "erasure")
    {
        long seq = _tree.Size;
        byte[] bytes = Encoding.UTF8.GetBytes($$"""{"kind":"{{kind}}","seq":{{seq}},"subject":{"id":"{{subject}}"} }""");
        Append(new StoredEntry(seq, bytes, MerkleHasher.HashLeaf(bytes), Columns(seq, subject, kind)), null);
        return this;
    }

    public ReportLedger Checkpoint()
    {
        Store.AppendCheckpointAsync(TestLedger.Sign(_tree.Size, _tree.Root)).AsTask().GetAwaiter().GetResult();
        return this;
    }

    public string LatestNote => Store.Data.Checkpoints[^1].SignedNote;

    private static EntryColumns Columns(long seq, string subject, string kind) =>
        new($"req-{seq:D6}", TestLedger.Epoch.AddSeconds(seq), "fraud_detector", "3.2." + (seq % 3).ToString(CultureInfo.InvariantCulture), "analyst", "emea", subject, null, kind);

    private void Append(StoredEntry entry, StoredInput? input)
    {
        _tree.Append(entry.LeafHash);
        Store.AppendAsync(new AppendBatch([entry], input is null ? [] : [input], [], null)).AsTask().GetAwaiter().GetResult();
    }
}
