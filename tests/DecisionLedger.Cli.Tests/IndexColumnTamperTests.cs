using System.Security.Cryptography;
using System.Text;

namespace DecisionLedger.Cli.Tests;

/// <summary>Edits of the columns a store copies out of an entry: the entry verifies, but queries and erasure would not.</summary>
public sealed class IndexColumnTamperTests
{
    [Theory]
    [InlineData("subject_id", "'someone-else'")]
    [InlineData("subject_id", "NULL")]
    [InlineData("model", "'other_model'")]
    [InlineData("version", "'9.9.9'")]
    [InlineData("user_id", "'mallory'")]
    [InlineData("tenant", "'other-tenant'")]
    [InlineData("request_id", "'forged-request-id'")]
    [InlineData("kind", "'erasure'")]
    [InlineData("ts", "ts + 1000000")]
    public async Task Verify_IndexColumnEdited_ReportsIndexMismatchNamingColumn(string column, string value)
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp);
        SqliteTamper.Execute(temp, $"UPDATE entries SET {column} = {value} WHERE seq = 12;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, 12, "index-mismatch");
        Assert.Contains($"'{column}' column", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("253402300800000000")]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775807")]
    public async Task Verify_AbsurdTimestampColumn_ReportsFindingNotUsageError(string value)
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp);
        SqliteTamper.Execute(temp, $"UPDATE entries SET ts = {value} WHERE seq = 5;");

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, 5, "index-mismatch");
        Assert.Contains("'ts' column", result.Out, StringComparison.Ordinal);
    }

    // 300 entries: the first Merkle tile (256 leaves) is complete, so the store's tile holds the
    // original leaf of seq 20 and the extra row is named exactly. With 40 entries only signed roots
    // cover the range, so the second row claiming seq 20 is the one named.
    [Theory]
    [InlineData(300, 20)]
    [InlineData(40, 21)]
    public async Task Verify_RowInsertedMidLog_ReportsEntryInserted(int count, long expectedSeq)
    {
        using var temp = new TempLedger();
        await SqliteTamper.CreateDemoAsync(temp, count);

        // Shift every row from seq 20 up by one, then slip a forged row with a correct leaf hash in at 20.
        string body = Encoding.UTF8.GetString((byte[])SqliteTamper.Scalar(temp, "SELECT body FROM entries WHERE seq = 20;")!);
        string requestId = (string)SqliteTamper.Scalar(temp, "SELECT request_id FROM entries WHERE seq = 20;")!;
        byte[] forged = Encoding.UTF8.GetBytes(body.Replace(requestId, "forged-0001", StringComparison.Ordinal).Replace("\"label\":\"", "\"label\":\"x", StringComparison.Ordinal));
        byte[] leaf = SHA256.HashData([0, .. forged]);
        SqliteTamper.Execute(
            temp,
            """
            UPDATE entries SET seq = seq + 1000000 WHERE seq >= 20;
            UPDATE entries SET seq = seq - 999999 WHERE seq >= 1000000;
            INSERT INTO entries(seq, request_id, ts, model, version, user_id, tenant, subject_id, fingerprint, kind, leaf_hash, body)
                SELECT 20, 'forged-0001', ts, model, version, user_id, tenant, subject_id, fingerprint, kind, $leaf, $body FROM entries WHERE seq = 21;
            """,
            ("$leaf", leaf),
            ("$body", forged));

        CliResult result = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);

        SqliteTamper.AssertFinding(result, expectedSeq, "entry-inserted");
    }
}
