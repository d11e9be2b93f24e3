using System.Text;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Edits of PostgreSQL's <c>request_ids</c> table, derived from the entries and covered by no
/// hash, made by the owner behind the append-only triggers: verify must name the seq and the
/// table's column, exit 1, not pass.
/// </summary>
public sealed class PostgresDerivedTableTamperTests : IAsyncLifetime
{
    private PostgresScratchLedger? _ledger;

    private string[] Store => _ledger!.Store;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_POSTGRES") is not { Length: > 0 })
        {
            return;
        }

        _ledger = await PostgresScratchLedger.CreateAsync();
        await _ledger.InitAsync(v2: false);
        var lines = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            lines.Append("{\"model\":{\"name\":\"fraud\",\"version\":\"1\"},\"input\":{\"amount\":").Append(i)
                .Append("},\"output\":{\"score\":0.1},\"actor\":{\"userId\":\"user-").Append(i).Append("\"}}\n");
        }

        CliResult record = await CliRun.RunWithInputAsync(lines.ToString(), null, ["record", .. Store]);
        Assert.True(record.ExitCode == 0, record.ToString());
        CliResult verify = await CliRun.RunAsync(["verify", .. Store]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_ledger is not null)
        {
            await _ledger.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task Verify_RequestIdsSeqsSwapped_ReportsIndexMismatchNamingRequestId()
    {
        await TamperAsync("UPDATE {t} SET seq = -1 WHERE seq = 3; UPDATE {t} SET seq = 3 WHERE seq = 9; UPDATE {t} SET seq = 9 WHERE seq = -1;");

        CliResult result = await CliRun.RunAsync(["verify", .. Store]);

        SqliteTamper.AssertFinding(result, 3, "index-mismatch");
        Assert.Contains("'request_ids.request_id' column of seq 3", result.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Verify_RequestIdEdited_ReportsIndexMismatchNamingRequestId()
    {
        await TamperAsync("UPDATE {t} SET request_id = 'forged-request' WHERE seq = 6;");

        CliResult result = await CliRun.RunAsync(["verify", .. Store]);

        SqliteTamper.AssertFinding(result, 6, "index-mismatch");
        Assert.Contains("'request_ids.request_id' column of seq 6 holds 'forged-request'", result.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Verify_RequestIdsTimeEdited_ReportsIndexMismatchNamingTs()
    {
        await TamperAsync("UPDATE {t} SET ts = ts + interval '1 second' WHERE seq = 5;");

        CliResult result = await CliRun.RunAsync(["verify", .. Store]);

        SqliteTamper.AssertFinding(result, 5, "index-mismatch");
        Assert.Contains("'request_ids.ts' column of seq 5", result.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Verify_RequestIdsRowDeleted_ReportsMissingRow()
    {
        await TamperAsync("DELETE FROM {t} WHERE seq = 4;");

        CliResult result = await CliRun.RunAsync(["verify", .. Store]);

        SqliteTamper.AssertFinding(result, 4, "index-mismatch");
        Assert.Contains("'request_ids' table has no row for seq 4", result.Out, StringComparison.Ordinal);
    }

    // A row past the last entry moves the ledger's size (max seq + 1 of request_ids): opening the
    // store finds the entries short and verify reports the store damaged, naming request_ids.
    [PostgresFact]
    public async Task Verify_RequestIdsRowPointingNowhere_FailsNamingRequestIds()
    {
        await TamperAsync("INSERT INTO {t}(request_id, seq, ts) VALUES ('forged-request', 20, now());");

        CliResult result = await CliRun.RunAsync(["verify", .. Store]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("request_ids.seq", result.Out, StringComparison.Ordinal);
    }

    private async Task TamperAsync(string sql)
    {
        string table = $"\"{_ledger!.Schema}\".request_ids";
        await _ledger.ExecuteAsOwnerAsync($"ALTER TABLE {table} DISABLE TRIGGER USER; {sql.Replace("{t}", table, StringComparison.Ordinal)} ALTER TABLE {table} ENABLE TRIGGER USER;");
    }
}
