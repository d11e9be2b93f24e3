using System.Globalization;
using System.Text;
using System.Text.Json;
using DecisionLedger.Archiving;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// <c>dledger archive</c> on a real PostgreSQL ledger (<c>--store postgres</c>, the application role): January's
/// partition is dropped, and <c>verify</c>, <c>show</c>, <c>export</c>, <c>subject-report</c> and
/// <c>query --include-archive</c> read the archived decisions from the files; an edited file is caught and a legal
/// hold stops an erasure from rewriting the archive.
/// </summary>
public sealed class PostgresArchiveTests
{
    private const string Subject = "customer-pg-archive-3";

    [PostgresFact]
    public async Task Archive_OnPostgreSql_DropsTheMonth_AndEveryReaderSeesTheArchivedDecisions()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        await ledger.InitAsync(v2: false);
        await RecordAsync(ledger);
        string archive = Path.Combine(ledger.Root, "archive");

        CliResult archived = await CliRun.RunAsync(["--json", "archive", "--to", archive, "--before", "2026-03-01", .. ledger.Store]);

        Assert.True(archived.ExitCode == 0, archived.ToString());
        using (JsonDocument runs = JsonDocument.Parse(archived.Out))
        {
            JsonElement run = runs.RootElement.GetProperty("runs").EnumerateArray().Single();
            Assert.Equal((0, 255, 256), (run.GetProperty("firstSeq").GetInt64(), run.GetProperty("lastSeq").GetInt64(), run.GetProperty("decisions").GetInt64()));
        }

        Assert.Equal(["entries_202601"], await OwnerStringsAsync($"SELECT partition_name FROM \"{ledger.Schema}\".dropped_partitions;"));
        Assert.DoesNotContain(await ledger.ReadBodiesAsync(), b => b.Seq < 256);

        CliResult verify = await ledger.VerifyAsync();
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("PASSED", verify.Out, StringComparison.Ordinal);

        CliResult shown = await CliRun.RunAsync(["--json", "show", "--seq", "7", .. ledger.Store]);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        using (JsonDocument document = JsonDocument.Parse(shown.Out))
        {
            Assert.Equal("pg-7", document.RootElement.GetProperty("requestId").GetString());
            Assert.Equal("verified", document.RootElement.GetProperty("proof").GetProperty("status").GetString());
        }

        CliResult byId = await CliRun.RunAsync(["show", "pg-8", .. ledger.Store]);
        Assert.True(byId.ExitCode == 0, byId.ToString());

        string bundle = await ledger.ExportAsync("--subject", Subject);
        Assert.Contains("\"pg-3\"", await File.ReadAllTextAsync(Path.Combine(bundle, "entries.jsonl")), StringComparison.Ordinal);
        CliResult bundleVerify = await ledger.VerifyBundleAsync(bundle);
        Assert.True(bundleVerify.ExitCode == 0, bundleVerify.ToString());

        CliResult report = await CliRun.RunAsync(["--json", "subject-report", "--subject", Subject, .. ledger.Store]);
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains("pg-3", report.Out, StringComparison.Ordinal);

        CliResult query = await CliRun.RunAsync(["query", "--include-archive", "--model", "fraud", "--limit", "1000", "--json", .. ledger.Store]);
        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.Equal(150, JsonDocument.Parse(query.Out).RootElement.GetProperty("entries").GetArrayLength());

        // An edited row in the archive is named by file, as on SQLite.
        string file = Directory.EnumerateFiles(archive, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        List<ArchiveRow> rows;
        await using (FileStream read = File.OpenRead(file))
        {
            rows = [.. await ArchiveParquetReader.ReadAsync(read)];
        }

        rows[2] = rows[2] with { Entry = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(rows[2].Entry).Replace("\"score\":0.5", "\"score\":0.9", StringComparison.Ordinal)) };
        await File.WriteAllBytesAsync(file, await ArchiveParquetWriter.ToBytesAsync(rows));
        CliResult tampered = await ledger.VerifyAsync();
        Assert.True(tampered.ExitCode == 1, tampered.ToString());
        Assert.Contains(Path.GetFileName(file), tampered.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Erase_OfAnArchivedSubject_IsRefusedWhileALegalHoldStands()
    {
        await using PostgresScratchLedger ledger = await PostgresScratchLedger.CreateAsync();
        await ledger.InitAsync(v2: false);
        await RecordAsync(ledger);
        string archive = Path.Combine(ledger.Root, "archive");
        CliResult archived = await CliRun.RunAsync(["archive", "--to", archive, "--before", "2026-03-01", .. ledger.Store]);
        Assert.True(archived.ExitCode == 0, archived.ToString());
        byte[][] before = [.. Directory.EnumerateFiles(archive, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

        string config = Path.Combine(ledger.Directory, "ledger.json");
        var edited = new Dictionary<string, JsonElement>();
        foreach (JsonProperty property in JsonDocument.Parse(await File.ReadAllTextAsync(config)).RootElement.EnumerateObject())
        {
            edited[property.Name] = property.Value;
        }

        edited["retention"] = JsonDocument.Parse($"{{\"holds\":[{{\"subject\":\"{Subject}\",\"reason\":\"litigation 2026-17\"}}]}}").RootElement;
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(edited));

        CliResult erase = await CliRun.RunAsync(["erase", "--subject", Subject, "--reason", "GDPR Art. 17 request", "--by", "dpo", .. ledger.Store]);

        Assert.True(erase.ExitCode == 2, erase.ToString());
        Assert.Contains("litigation 2026-17", erase.Error, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFiles(archive, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        CliResult verify = await ledger.VerifyAsync();
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    // 256 decisions in January 2026 (seqs 0-255, one full tile) and 44 in February; fraud and credit alternate.
    private static async Task RecordAsync(PostgresScratchLedger ledger)
    {
        var lines = new StringBuilder();
        for (int i = 0; i < 300; i++)
        {
            DateTimeOffset at = (i < 256 ? new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(2026, 2, 2, 0, 0, 0, TimeSpan.Zero)).AddMinutes(i);
            string model = i % 2 == 0 ? "fraud" : "credit";
            lines.Append(CultureInfo.InvariantCulture,
                $"{{\"requestId\":\"pg-{i}\",\"timestamp\":\"{at:yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"model\":{{\"name\":\"{model}\",\"version\":\"1.0\"}},\"input\":{{\"amount\":{i}}},\"output\":{{\"score\":0.5}},\"subject\":{{\"id\":\"customer-pg-archive-{i % 5}\"}}}}\n");
        }

        CliResult record = await CliRun.RunWithInputAsync(lines.ToString(), null, ["record", "-", .. ledger.Store]);
        Assert.True(record.ExitCode == 0, record.ToString());
    }

    private static async Task<List<string>> OwnerStringsAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(PostgresScratchLedger.Owner);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using Npgsql.NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
