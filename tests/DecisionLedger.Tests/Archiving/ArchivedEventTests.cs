using System.Text;
using DecisionLedger.Archiving;
using DecisionLedger.Checkpoints;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Randomness;

namespace DecisionLedger.Tests.Archiving;

public sealed class ArchivedEventTests
{
    private const string DocExample = """{"event":{"decisions":2,"destination":"dir:/var/archive","files":[{"file":"fraud/2026-01/000000000000-000000000001.parquet","rows":2,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}],"firstSeq":0,"lastSeq":1},"kind":"archived","requestId":"0193a5c2-7d4f-7c2b-8d40-3f9e5c7b2a9a","seq":600,"timestamp":"2026-11-23T12:00:02.000000Z","v":1}""";

    [Fact]
    public void Parse_FormatDocExample_RoundTripsToTheSameBytes()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "format.md"));
        Assert.Contains(DocExample, doc, StringComparison.Ordinal);

        EventEntry entry = EventCanonicalizer.Parse(Encoding.UTF8.GetBytes(DocExample));

        Assert.Equal(LedgerEvent.ArchivedKind, entry.Event.Kind);
        Assert.Equal(2, entry.Event.Archived!.Decisions);
        Assert.Equal(DocExample, Encoding.UTF8.GetString(EventCanonicalizer.ToCanonicalBytes(entry)));
    }

    [Theory]
    [InlineData("\"decisions\":2", "\"decisions\":3", "event.decisions")]
    [InlineData("\"rows\":2", "\"rows\":0", "event.files[].rows")]
    [InlineData("\"sha256\":\"9f86", "\"sha256\":\"XX86", "event.files[].sha256")]
    [InlineData("\"firstSeq\":0", "\"firstSeq\":5", "event.firstSeq/lastSeq")]
    [InlineData("\"firstSeq\":0,", "\"extra\":1,\"firstSeq\":0,", "event.extra")]
    public void Parse_BadArchivedEvent_FailsNamingTheField(string from, string to, string field)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(DocExample.Replace(from, to, StringComparison.Ordinal));

        var error = Assert.Throws<FormatException>(() => EventCanonicalizer.Parse(bytes));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManifestNote_SignedByTheLedgerKey_OpensAndRejectsAnEdit()
    {
        Ed25519NoteSigner signer = Ed25519NoteSigner.Generate("test.local", new SeededRandomSource(1));
        var manifest = new ArchiveManifest("fraud/2026-01/000000000000-000000000001.parquet", "fraud", "2026-01", 0, 1, 2, new string('a', 64), Sha256Hash.Compute([1]), 512, Sha256Hash.Compute([2]));

        string note = ArchiveManifestNote.Sign(manifest, signer);

        Assert.Equal(manifest, ArchiveManifestNote.Open(note, signer.Verifier));
        Assert.StartsWith("{\"checkpoint\":{\"root\":", note, StringComparison.Ordinal);
        var error = Assert.Throws<NoteVerificationException>(() => ArchiveManifestNote.Open(note.Replace("\"rows\":2", "\"rows\":3", StringComparison.Ordinal), signer.Verifier));
        Assert.Equal(NoteVerificationFailure.InvalidSignature, error.Reason);
    }

    [Theory]
    [InlineData(null, "_none")]
    [InlineData("fraud_detector", "fraud_detector")]
    [InlineData("a/b c", "a%2Fb%20c")]
    [InlineData("..", "%2E%2E")]
    [InlineData("é", "%C3%A9")]
    public void EscapeModel_KeepsEveryModelInOneSegment(string? model, string expected) =>
        Assert.Equal(expected, ArchivePaths.EscapeModel(model));

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "DecisionLedger.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("DecisionLedger.slnx not found above the test binaries.");
    }
}
