using System.Text.Json;
using DecisionLedger.Reporting;
using DecisionLedger.Tests.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Reporting;

public sealed class SubjectReportWriterTests
{
    private const string Script = "<script>alert('x')</script>";

    [Fact]
    public async Task TextWriter_KnownDecision_WritesPlainSentenceWithOutcomeAndSignedFactors()
    {
        string text = await RenderAsync(SubjectReportTextWriter.WriteAsync, new ReportLedger().AddDecisions(20), "customer-3");

        Assert.Contains("The ledger holds 4 automated decisions about you", text, StringComparison.Ordinal);
        Assert.Contains(
            "On 2026-11-14 at 14:05:13 UTC, fraud_detector 3.2.1 decided: legit (score 0.31). Main factors: hour (-0.6), amount (+0.42), country (+0.3).",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextWriter_Always_NamesCheckpointSizeRootAndSignedNote()
    {
        var ledger = new ReportLedger().AddDecisions(20);

        string text = await RenderAsync(SubjectReportTextWriter.WriteAsync, ledger, "customer-3");

        Assert.Contains($"signed checkpoint of tree size 20 with root hash {ledger.Store.Data.Checkpoints[^1].RootHash.ToBase64()}", text, StringComparison.Ordinal);
        Assert.Contains("dledger proof inclusion --seq N --tree-size 20", text, StringComparison.Ordinal);
        Assert.EndsWith(ledger.LatestNote, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextWriter_ErrorOutputAndLedgerEvent_DescribesErrorAndListsEventApart()
    {
        var ledger = new ReportLedger()
            .AddDecisions(5, checkpoint: false, outputOf: _ => """{"error":"feature store timeout","status":503}""")
            .AddEvent("customer-1")
            .Checkpoint();

        string text = await RenderAsync(SubjectReportTextWriter.WriteAsync, ledger, "customer-1");

        Assert.Contains("decided: an error: feature store timeout (status 503).", text, StringComparison.Ordinal);
        Assert.Contains("Other ledger events about you (these are not decisions):", text, StringComparison.Ordinal);
        Assert.Contains(": erasure (ledger entry 5, request req-000005)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonWriter_Always_WritesOneDocumentOfTheDocumentedShape()
    {
        var ledger = new ReportLedger().AddDecisions(10, checkpoint: false).AddEvent("customer-3").AddDecisions(10);

        string json = await RenderAsync(SubjectReportJsonWriter.WriteAsync, ledger, "customer-3");

        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        Assert.Equal(
            ["subjectId", "generatedAt", "checkpoint", "decisionCount", "decisionsAfterCheckpoint", "decisions", "ledgerEvents"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("customer-3", root.GetProperty("subjectId").GetString());
        Assert.Equal("2026-12-01T09:30:00.000000Z", root.GetProperty("generatedAt").GetString());
        JsonElement checkpoint = root.GetProperty("checkpoint");
        Assert.Equal(21, checkpoint.GetProperty("treeSize").GetInt64());
        Assert.Equal(ledger.Store.Data.Checkpoints[^1].RootHash.ToBase64(), checkpoint.GetProperty("rootHash").GetString());
        Assert.Equal(ledger.LatestNote, checkpoint.GetProperty("note").GetString());
        Assert.Equal(TestLedger.Origin, checkpoint.GetProperty("origin").GetString());
        Assert.Equal(4, root.GetProperty("decisionCount").GetInt64());
        Assert.Equal(4, root.GetProperty("decisions").GetArrayLength());
        JsonElement first = root.GetProperty("decisions")[0];
        Assert.Equal(
            ["seq", "requestId", "timestamp", "model", "output", "mainFactors", "inputHeld"],
            first.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(18, first.GetProperty("seq").GetInt64());
        Assert.Equal("fraud", first.GetProperty("output").GetProperty("label").GetString());
        // Seq 18's attributions: country 0.8, hour -0.6, amount 0.42, merchant -0.05, device 0.01.
        Assert.Equal(
            [("country", 0.8), ("hour", -0.6), ("amount", 0.42)],
            first.GetProperty("mainFactors").EnumerateArray().Select(f => (f.GetProperty("feature").GetString(), f.GetProperty("attribution").GetDouble())).ToArray());
        Assert.True(first.GetProperty("inputHeld").GetBoolean());
        JsonElement erasure = Assert.Single(root.GetProperty("ledgerEvents").EnumerateArray());
        Assert.Equal("erasure", erasure.GetProperty("kind").GetString());
        Assert.Equal(10, erasure.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task HtmlWriter_ScriptInSubjectAndOutput_EscapesEveryValue()
    {
        var ledger = new ReportLedger().AddDecisions(
            3,
            subjectOf: _ => Script,
            outputOf: _ => $$"""{"label":{{JsonSerializer.Serialize(Script)}},"note":"a & b"}""");

        string html = await RenderAsync(SubjectReportHtmlWriter.WriteAsync, ledger, Script);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Automated decisions about <span class=\"subject\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</span>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; (note a &amp; b)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlWriter_Always_IsSelfContainedPrintableAndCarriesTheCheckpoint()
    {
        var ledger = new ReportLedger().AddDecisions(10);

        string html = await RenderAsync(SubjectReportHtmlWriter.WriteAsync, ledger, "customer-2");

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.Contains("<strong>2</strong> automated decision(s)", html, StringComparison.Ordinal);
        Assert.Contains(ledger.Store.Data.Checkpoints[^1].RootHash.ToBase64(), html, StringComparison.Ordinal);
        Assert.Contains("tree size <strong>10</strong>", html, StringComparison.Ordinal);
        Assert.Contains("hour (-0.6), amount (+0.42), country (+0.2)", html, StringComparison.Ordinal);
    }

    private static async Task<string> RenderAsync(
        Func<SubjectReport, IAsyncEnumerable<ReportedDecision>, TextWriter, CancellationToken, Task> write,
        ReportLedger ledger,
        string subject)
    {
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero)), pageSize: 2);
        SubjectReport report = await builder.CreateAsync(subject, ledger.LatestNote, TestLedger.Verifier);
        using var writer = new StringWriter();
        await write(report, builder.ReadDecisionsAsync(report), writer, CancellationToken.None);
        return writer.ToString();
    }
}
