using System.Text.Json;

namespace DecisionLedger.Cli.Tests;

/// <summary><c>archive sql</c>: analyst SQL over the archive's views, read-only.</summary>
public sealed class ArchiveSqlTests(ArchiveFixture archive) : IClassFixture<ArchiveFixture>
{
    [Fact]
    public async Task Sql_CountsDecisionsPerModel_FromTheParquetFiles()
    {
        CliResult result = await Sql("SELECT model, count(*) AS n, min(seq) AS first, max(seq) AS last FROM decisions GROUP BY model ORDER BY model", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Out);
        Assert.Equal(["model", "n", "first", "last"], document.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        JsonElement[] rows = [.. document.RootElement.GetProperty("rows").EnumerateArray()];
        Assert.Equal(archive.ArchivedSeqs.Length, rows.Sum(r => r[1].GetInt64()));
        Assert.Equal(archive.ArchivedSeqs.Min(), rows.Min(r => r[2].GetInt64()));
        Assert.Equal(archive.ArchivedSeqs.Max(), rows.Max(r => r[3].GetInt64()));
    }

    [Fact]
    public async Task Sql_DecisionsView_ExposesEntryJsonUserAndInput()
    {
        CliResult result = await Sql("SELECT seq, entry->>'requestId' AS request_id_from_json, request_id, output, input->'amount' AS amount, file FROM decisions ORDER BY seq DESC LIMIT 3", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Out);
        JsonElement[] rows = [.. document.RootElement.GetProperty("rows").EnumerateArray()];
        Assert.Equal(3, rows.Length);
        Assert.Equal(archive.ArchivedSeqs[0], rows[0][0].GetInt64());
        Assert.Equal(rows[0][1].GetString(), rows[0][2].GetString());
        Assert.Equal(JsonValueKind.Object, rows[0][3].ValueKind);
        Assert.Contains(rows[0][5].GetString()!, archive.Files.Keys);
    }

    [Fact]
    public async Task Sql_ManifestsView_ListsEverySignedManifest()
    {
        CliResult result = await Sql("SELECT file, first_seq, last_seq, row_count, sha256, format FROM manifests ORDER BY first_seq", "--csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Out.TrimEnd().Split('\n');
        Assert.Equal("file,first_seq,last_seq,row_count,sha256,format", lines[0]);
        Assert.Equal(archive.Files.Keys.Count(k => k.EndsWith(".manifest", StringComparison.Ordinal)), lines.Length - 1);
        Assert.All(lines.Skip(1), line => Assert.EndsWith(",decisionledger-archive/1", line, StringComparison.Ordinal));
        Assert.Equal(archive.ArchivedSeqs.Length, lines.Skip(1).Sum(line => long.Parse(line.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Sql_HumanOutput_IsATableWithARowCount()
    {
        CliResult result = await Sql("SELECT count(*) AS decisions FROM decisions");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("decisions", result.Out, StringComparison.Ordinal);
        Assert.Contains(archive.ArchivedSeqs.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Out, StringComparison.Ordinal);
        Assert.Contains("1 row.", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("COPY (SELECT * FROM decisions) TO '{archive}/stolen.csv'")]
    [InlineData("CREATE TABLE copy AS SELECT * FROM decisions")]
    [InlineData("INSERT INTO decisions VALUES (1)")]
    [InlineData("ATTACH '{archive}/other.db' AS other")]
    [InlineData("SET enable_external_access = true")]
    [InlineData("INSTALL httpfs")]
    public async Task Sql_StatementsThatWrite_AreRefusedBeforeTheyRun(string statement)
    {
        CliResult result = await Sql(statement.Replace("{archive}", archive.ArchiveDirectory, StringComparison.Ordinal));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("only a SELECT runs here", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(archive.ArchiveDirectory, "stolen.csv")));
        Assert.False(File.Exists(Path.Combine(archive.ArchiveDirectory, "other.db")));
    }

    [Fact]
    public async Task Sql_TwoStatements_AreRefused()
    {
        CliResult result = await Sql("SELECT 1; SELECT 2");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("2 statements given; pass exactly one SELECT", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_ReadingOutsideTheArchive_IsRefusedByTheSandbox()
    {
        string outside = Path.Combine(archive.Temp.Root, "secret.txt");
        await File.WriteAllTextAsync(outside, "not for analysts");

        CliResult result = await Sql($"SELECT content FROM read_text('{outside}')");

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("not for analysts", result.Out, StringComparison.Ordinal);
        Assert.Contains("Permission Error", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_SyntaxError_IsBadInputWithDuckDbsReason()
    {
        CliResult result = await Sql("SELEC model FROM decisions");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("archive sql: the statement does not parse", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_UnknownColumn_IsBadInputNamingIt()
    {
        CliResult result = await Sql("SELECT no_such_column FROM decisions");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no_such_column", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_LedgerThatArchivedNothing_AsksForArchive()
    {
        CliResult result = await CliRun.RunAsync("archive", "sql", "SELECT 1", "--ledger", archive.Empty);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has archived nothing yet", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_EmptyArchiveDirectory_HasEmptyViews()
    {
        string empty = Path.Combine(archive.Temp.Root, "empty-archive");
        Directory.CreateDirectory(empty);

        CliResult result = await CliRun.RunAsync("archive", "sql", "SELECT (SELECT count(*) FROM decisions) AS d, (SELECT count(*) FROM manifests) AS m", "--archive", empty, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"rows\":[[0,0]]", result.Out, StringComparison.Ordinal);
    }

    private Task<CliResult> Sql(string sql, params string[] options) =>
        CliRun.RunAsync(["archive", "sql", sql, "--archive", archive.ArchiveDirectory, .. options]);
}
