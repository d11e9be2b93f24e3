using System.Text;
using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Querying;

public sealed class FieldPathCollectorTests
{
    [Fact]
    public void Collect_SameShapeInTwoModelsAndNewShapeLater_RecordsEachModelAndShape()
    {
        StoredEntry[] entries =
        [
            Entry(0, "a", """{"label":"x"}"""),
            Entry(1, "b", """{"label":"y"}"""),
            Entry(2, "a", """{"label":"z"}"""),
            Entry(3, "a", """{"label":"z","review":{"queue":"q"}}"""),
        ];
        StoredInput[] inputs =
        [
            new(0, new byte[16], "{\"amount\":1}"u8.ToArray()),
            new(2, new byte[16], "{\"amount\":2,\"country\":\"DE\"}"u8.ToArray()),
            new(3, [], [0x01, .. "{\"secret\":1}"u8.ToArray()]),
        ];

        Dictionary<string, HashSet<string>> paths = FieldPathCollector.Collect(new AppendBatch(entries, inputs, [], null));

        Assert.Equal(["input.amount", "input.country", "model.name", "output.label", "output.review", "output.review.queue"], paths["a"].Order(StringComparer.Ordinal));
        Assert.Equal(["model.name", "output.label"], paths["b"].Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CollectEntry_DeepAndWideDocuments_AreBounded()
    {
        string deep = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}}}";
        string wide = "{" + string.Join(',', Enumerable.Range(0, 400).Select(i => $"\"f{i}\":{i}")) + "}";
        var deepPaths = new HashSet<string>(StringComparer.Ordinal);
        var widePaths = new HashSet<string>(StringComparer.Ordinal);

        FieldPathCollector.CollectEntry(Encoding.UTF8.GetBytes($$"""{"output":{{deep}}}"""), deepPaths);
        FieldPathCollector.CollectEntry(Encoding.UTF8.GetBytes($$"""{"output":{{wide}}}"""), widePaths);

        Assert.Equal("output.a.b.c.d.e.f.g", deepPaths.MaxBy(p => p.Length));
        Assert.Equal(FieldPathCollector.MaxPathsPerDocument, widePaths.Count);
    }

    private static StoredEntry Entry(long seq, string model, string output)
    {
        byte[] body = Encoding.UTF8.GetBytes($$"""{"model":{"name":"{{model}}"},"output":{{output}},"seq":{{seq}}}""");
        return new StoredEntry(seq, body, default, new EntryColumns("r" + seq, DateTimeOffset.UnixEpoch, model, "1", null, null, null, null));
    }
}
