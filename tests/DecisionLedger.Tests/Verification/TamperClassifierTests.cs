using System.Text;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Tests.Verification;

public sealed class TamperClassifierTests
{
    private static List<byte[]> Entries(int count) => Enumerable.Range(0, count).Select(i => TestLedger.Entry(i)).ToList();

    private static StoredCheckpoint CheckpointOf(List<byte[]> entries, int size) => TestLedger.Sign(size, TestLedger.Root(entries.Take(size)));

    private static TamperFinding? Classify(IReadOnlyList<byte[]> entries, IEnumerable<StoredCheckpoint> checkpoints, IReadOnlyList<Sha256Hash>? storedLeaves = null)
    {
        var classifier = new TamperClassifier(TestLedger.Verifier, TestLedger.Origin, checkpoints);
        for (int i = 0; i < entries.Count; i++)
        {
            if (!classifier.Add(i, entries[i], storedLeaves?[i]))
            {
                break;
            }
        }

        return classifier.Complete();
    }

    private static List<Sha256Hash> Leaves(IEnumerable<byte[]> entries) => entries.Select(e => MerkleHasher.HashLeaf(e)).ToList();

    [Fact]
    public void Complete_IntactLedger_ReturnsNoFinding()
    {
        List<byte[]> entries = Entries(10);

        TamperFinding? finding = Classify(entries, [CheckpointOf(entries, 4), CheckpointOf(entries, 10)], Leaves(entries));

        Assert.Null(finding);
    }

    [Fact]
    public void Complete_ContentEditedBehindStoredLeaf_ReportsContentChangedAtThatSeq()
    {
        List<byte[]> entries = Entries(10);
        List<Sha256Hash> leaves = Leaves(entries);
        entries[5] = TestLedger.Entry(5, score: 0.99);

        TamperFinding? finding = Classify(entries, [CheckpointOf(Entries(10), 10)], leaves);

        Assert.Equal(new { Seq = 5L, Kind = TamperKind.ContentChanged }, new { finding!.Seq, finding.Kind });
        Assert.Contains("store recorded leaf", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_ContentEditedWithLeafRewritten_ReportsContentChangedAtCheckpointRangeStart()
    {
        List<byte[]> original = Entries(10);
        List<byte[]> entries = Entries(10);
        entries[6] = TestLedger.Entry(6, score: 0.01);

        TamperFinding? finding = Classify(entries, [CheckpointOf(original, 4), CheckpointOf(original, 8), CheckpointOf(original, 10)], Leaves(entries));

        Assert.Equal(new { Seq = 4L, Kind = TamperKind.ContentChanged }, new { finding!.Seq, finding.Kind });
        Assert.Contains("from seq 4 to 7", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_EntryRemoved_ReportsEntryDeletedAtMissingSeq()
    {
        List<byte[]> entries = Entries(10);
        entries.RemoveAt(3);

        TamperFinding? finding = Classify(entries, [CheckpointOf(Entries(10), 10)]);

        Assert.Equal(new { Seq = 3L, Kind = TamperKind.EntryDeleted }, new { finding!.Seq, finding.Kind });
        Assert.Contains("seq 3 was deleted", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_ForeignEntryInsertedMidway_ReportsEntryInsertedAtItsPosition()
    {
        List<byte[]> entries = Entries(10);
        entries.Insert(3, TestLedger.Entry(42, requestId: "forged"));

        TamperFinding? finding = Classify(entries, [CheckpointOf(Entries(10), 10)]);

        Assert.Equal(new { Seq = 3L, Kind = TamperKind.EntryInserted }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Complete_EntryRepeatingEarlierSeq_ReportsEntryInserted()
    {
        List<byte[]> entries = Entries(10);
        entries.Insert(3, TestLedger.Entry(2, requestId: "copy-of-2"));

        TamperFinding? finding = Classify(entries, [CheckpointOf(Entries(10), 10)]);

        Assert.Equal(new { Seq = 3L, Kind = TamperKind.EntryInserted }, new { finding!.Seq, finding.Kind });
        Assert.Contains("claiming seq 2", finding.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(2, 7)]
    public void Complete_TwoEntriesSwapped_ReportsEntriesReorderedAtFirst(int a, int b)
    {
        List<byte[]> entries = Entries(10);
        (entries[a], entries[b]) = (entries[b], entries[a]);

        TamperFinding? finding = Classify(entries, [CheckpointOf(Entries(10), 10)]);

        Assert.Equal(new { Seq = (long)a, Kind = TamperKind.EntriesReordered }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Complete_LastEntriesCutOff_ReportsTailTruncatedAtFirstMissingSeq()
    {
        List<byte[]> original = Entries(10);

        TamperFinding? finding = Classify(original.Take(7).ToList(), [CheckpointOf(original, 4), CheckpointOf(original, 10)]);

        Assert.Equal(new { Seq = 7L, Kind = TamperKind.TailTruncated }, new { finding!.Seq, finding.Kind });
        Assert.Contains("covers 10 entries but the ledger holds only 7", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_CheckpointSignedByAnotherKey_ReportsCheckpointForged()
    {
        List<byte[]> entries = Entries(10);
        StoredCheckpoint forged = TestLedger.Sign(10, TestLedger.Root(entries), TestLedger.OtherSigner);

        TamperFinding? finding = Classify(entries, [CheckpointOf(entries, 4), forged]);

        Assert.Equal(new { Seq = 10L, Kind = TamperKind.CheckpointForged }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Complete_CheckpointNoteTextEdited_ReportsCheckpointForged()
    {
        List<byte[]> entries = Entries(10);
        StoredCheckpoint genuine = CheckpointOf(entries, 10);
        StoredCheckpoint edited = genuine with { TreeSize = 9, SignedNote = genuine.SignedNote.Replace("\n10\n", "\n9\n", StringComparison.Ordinal) };

        TamperFinding? finding = Classify(entries, [edited]);

        Assert.Equal(new { Seq = 9L, Kind = TamperKind.CheckpointForged }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Complete_TwoSignedRootsForSameSize_ReportsCheckpointInconsistent()
    {
        List<byte[]> entries = Entries(10);
        List<byte[]> other = Entries(10);
        other[1] = TestLedger.Entry(1, score: 0.7);

        TamperFinding? finding = Classify(entries, [CheckpointOf(entries, 10), CheckpointOf(other, 10)]);

        Assert.Equal(new { Seq = 10L, Kind = TamperKind.CheckpointInconsistent }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Complete_EarlierCheckpointNotPrefixOfLaterOne_ReportsCheckpointInconsistent()
    {
        List<byte[]> entries = Entries(10);
        List<byte[]> other = Entries(10);
        other[1] = TestLedger.Entry(1, score: 0.7);

        TamperFinding? finding = Classify(entries, [CheckpointOf(other, 4), CheckpointOf(entries, 10)], Leaves(entries));

        Assert.Equal(new { Seq = 4L, Kind = TamperKind.CheckpointInconsistent }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Complete_SmallerCheckpointStoredAfterLarger_ReportsCheckpointRolledBack()
    {
        List<byte[]> entries = Entries(10);

        TamperFinding? finding = Classify(entries, [CheckpointOf(entries, 8), CheckpointOf(entries, 4)]);

        Assert.Equal(new { Seq = 4L, Kind = TamperKind.CheckpointRolledBack }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Complete_RequestIdReused_ReportsDuplicateRequestIdAtSecondUse()
    {
        List<byte[]> entries = Entries(10);
        entries[6] = TestLedger.Entry(6, requestId: "req-000002");

        TamperFinding? finding = Classify(entries, [CheckpointOf(entries, 10)]);

        Assert.Equal(new { Seq = 6L, Kind = TamperKind.DuplicateRequestId }, new { finding!.Seq, finding.Kind });
        Assert.Contains("req-000002", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_EntryNotCanonical_ReportsMalformedEntry()
    {
        List<byte[]> entries = Entries(10);
        entries[2] = TestLedger.Replace(entries[2], "\"v\":1", "\"v\": 1");

        TamperFinding? finding = Classify(entries, [CheckpointOf(Entries(10), 10)]);

        Assert.Equal(new { Seq = 2L, Kind = TamperKind.MalformedEntry }, new { finding!.Seq, finding.Kind });
        Assert.Contains("canonical", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_EntryNotJson_ReportsMalformedEntry()
    {
        List<byte[]> entries = Entries(10);
        entries[8] = Encoding.UTF8.GetBytes("{\"seq\":8,");

        TamperFinding? finding = Classify(entries, [CheckpointOf(Entries(10), 10)]);

        Assert.Equal(new { Seq = 8L, Kind = TamperKind.MalformedEntry }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Complete_ForgedCheckpointAfterEarlierContentChange_ReportsLowerSeqFirst()
    {
        List<byte[]> entries = Entries(10);
        List<Sha256Hash> leaves = Leaves(entries);
        StoredCheckpoint forged = TestLedger.Sign(10, TestLedger.Root(entries), TestLedger.OtherSigner);
        entries[1] = TestLedger.Entry(1, score: 0.2);

        TamperFinding? finding = Classify(entries, [forged], leaves);

        Assert.Equal(new { Seq = 1L, Kind = TamperKind.ContentChanged }, new { finding!.Seq, finding.Kind });
    }

    [Fact]
    public void Constructor_CheckpointForAnotherOrigin_ReportsCheckpointForged()
    {
        List<byte[]> entries = Entries(4);
        StoredCheckpoint other = TestLedger.Sign(4, TestLedger.Root(entries), origin: "decisionledger.example/other");

        TamperFinding? finding = Classify(entries, [other]);

        Assert.Equal(TamperKind.CheckpointForged, finding!.Kind);
        Assert.Contains(nameof(NoteVerificationFailure.OriginMismatch), finding.Detail, StringComparison.Ordinal);
    }
}
