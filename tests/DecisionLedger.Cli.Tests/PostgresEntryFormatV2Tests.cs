using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Entry format 2 on a real PostgreSQL store through the CLI: init, record, erase and verify with <c>--store postgres</c>;
/// afterwards no table of the schema holds the erased subject's id.
/// </summary>
public sealed class PostgresEntryFormatV2Tests
{
    private const string SubjectId = "pg.v2-subject-5531@example.test";

    [PostgresFact]
    public async Task EntryFormat2_RecordEraseVerify_NoTableHoldsTheErasedSubjectId()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        string[] store = ledger.Store;
        await ledger.InitAsync(v2: true);
        string about = "{\"model\":{\"name\":\"fraud\",\"version\":\"1\"},\"input\":{\"amount\":5},\"output\":{\"score\":0.1},\"subject\":{\"id\":\"" + SubjectId + "\"}}\n";
        CliResult record = await CliRun.RunWithInputAsync(about + Some.DecisionLines(3) + about, null, ["record", .. store]);
        Assert.True(record.ExitCode == 0, record.ToString());
        Assert.True((await ledger.TablesContainingAsync(SubjectId)).Count > 0, "the mapping row must hold the id before erasure, or the test proves nothing");

        CliResult query = await CliRun.RunAsync(["query", "--subject", SubjectId, "--json", .. store]);
        Assert.True(query.ExitCode == 0, query.ToString());
        using (JsonDocument found = JsonDocument.Parse(query.Out))
        {
            Assert.Equal(2, found.RootElement.GetProperty("entries").GetArrayLength());
        }

        CliResult erase = await CliRun.RunAsync(["erase", "--subject", SubjectId, "--reason", "GDPR Art. 17 request", "--by", "dpo", "--json", .. store]);
        Assert.True(erase.ExitCode == 0, erase.ToString());
        using (JsonDocument json = JsonDocument.Parse(erase.Out))
        {
            Assert.Equal(2, json.RootElement.GetProperty("decisionsErased").GetInt64());
        }

        Assert.Empty(await ledger.TablesContainingAsync(SubjectId));
        CliResult verify = await CliRun.RunAsync(["verify", .. store]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }
}
