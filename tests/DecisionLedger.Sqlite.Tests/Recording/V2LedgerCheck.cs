using System.Text.Json;
using DecisionLedger.Heads;
using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// Checks a ledger the recorder wrote with entry format 2 against the v2 design, recomputing everything from the
/// entries' canonical bytes alone (not from the recorder's types): the format event, every entry's version, every
/// prev link, and every checkpoint after the switch ending on a heads entry whose root equals a heads map rebuilt
/// from scratch.
/// </summary>
internal static class V2LedgerCheck
{
    /// <summary>One entry as the check sees it.</summary>
    public sealed record Row(long Seq, int V, string? Kind, string? Model, string? SubjectRef, long? PrevModel, long? PrevSubject, JsonElement Root);

    public static async Task<List<Row>> ReadAsync(ILedgerStore store)
    {
        long size = await store.GetSizeAsync();
        var rows = new List<Row>();
        await foreach (StoredEntry entry in store.ReadEntriesAsync(0, size))
        {
            JsonElement root = JsonDocument.Parse(entry.CanonicalBytes).RootElement.Clone();
            string? kind = root.TryGetProperty("kind", out JsonElement k) ? k.GetString() : null;
            string? model = root.TryGetProperty("model", out JsonElement m) && m.ValueKind == JsonValueKind.Object ? m.GetProperty("name").GetString() : null;
            string? subjectRef = root.TryGetProperty("subject", out JsonElement s) && s.TryGetProperty("ref", out JsonElement r) ? r.GetString() : null;
            long? prevModel = null, prevSubject = null;
            if (root.TryGetProperty("prev", out JsonElement prev))
            {
                prevModel = prev.GetProperty("model").GetInt64();
                prevSubject = prev.GetProperty("subject").GetInt64();
            }

            rows.Add(new Row(entry.Seq, root.GetProperty("v").GetInt32(), kind, model, subjectRef, prevModel, prevSubject, root));
        }

        return rows;
    }

    /// <summary>Asserts the whole v2 contract; returns the seq of the format event.</summary>
    public static async Task<long> AssertValidAsync(ILedgerStore store)
    {
        List<Row> rows = await ReadAsync(store);
        int formatIndex = rows.FindIndex(row => row.Kind == "format");
        Assert.True(formatIndex >= 0, "a v2 ledger has a format event");
        Assert.Equal(1, rows.Count(row => row.Kind == "format"));
        Assert.Equal(2, rows[formatIndex].Root.GetProperty("event").GetProperty("version").GetInt32());
        Assert.All(rows.Take(formatIndex), row => Assert.Equal(1, row.V));
        Assert.All(rows.Skip(formatIndex), row => Assert.Equal(2, row.V));

        // Prev links, recomputed: the previous v2 decision of the same model / subject ref, or -1.
        var last = new Dictionary<string, (long Last, long Count)>(StringComparer.Ordinal);
        var headsAt = new Dictionary<long, (string Root, long Keys)>();
        foreach (Row row in rows.Skip(formatIndex))
        {
            if (row.Kind == "heads")
            {
                headsAt[row.Seq] = (RootOf(last), last.Count);
                JsonElement ev = row.Root.GetProperty("event");
                Assert.Equal(headsAt[row.Seq].Root, ev.GetProperty("root").GetString());
                Assert.Equal(last.Count, ev.GetProperty("keys").GetInt64());
                continue;
            }

            if (row.Kind is not null)
            {
                Assert.Null(row.PrevModel);
                continue;
            }

            Assert.False(row.Root.TryGetProperty("subject", out JsonElement subject) && subject.TryGetProperty("id", out _), $"seq {row.Seq}: a v2 entry carries a subject id");
            string modelKey = "m:" + row.Model;
            Assert.Equal(last.TryGetValue(modelKey, out var model) ? model.Last : -1, row.PrevModel);
            last[modelKey] = (row.Seq, model.Count + 1);
            if (row.SubjectRef is null)
            {
                Assert.Equal(-1, row.PrevSubject);
            }
            else
            {
                Assert.Equal(22, row.SubjectRef.Length);
                string subjectKey = "s:" + row.SubjectRef;
                Assert.Equal(last.TryGetValue(subjectKey, out var chain) ? chain.Last : -1, row.PrevSubject);
                last[subjectKey] = (row.Seq, chain.Count + 1);
            }
        }

        // Every checkpoint over the switch ends on a heads entry.
        long formatSeq = rows[formatIndex].Seq;
        int checkpoints = 0;
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync())
        {
            if (checkpoint.TreeSize > formatSeq)
            {
                checkpoints++;
                Assert.True(headsAt.ContainsKey(checkpoint.TreeSize - 1), $"the checkpoint at tree size {checkpoint.TreeSize} does not end on a heads entry");
            }
        }

        Assert.True(checkpoints > 0, "the test must see a checkpoint after the switch");
        return formatSeq;
    }

    private static string RootOf(Dictionary<string, (long Last, long Count)> heads) =>
        HeadsMap.Build(heads.Select(pair => (pair.Key, new ChainHead(pair.Value.Last, pair.Value.Count)))).ComputeRoot().ToBase64();
}
