using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace DecisionLedger.Archiving.S3.Tests;

/// <summary>
/// Issue 16's "done when" at scale: a 1,000,000-decision SQLite ledger archived to the S3 server of
/// .ci/services.sh with the real <c>dledger archive --compact</c>, after which the live database is at
/// most a fifth of its size and <c>verify</c>, <c>show</c>, <c>export</c>, <c>subject-report</c> and
/// <c>query --include-archive</c> still work across the live store and the archive. Every phase's wall
/// and CPU time is written to the test output (and to <c>DLEDGER_ARCHIVE_SCALE_REPORT</c> when set;
/// bench/archive-cost.sh prints it). <c>DLEDGER_ARCHIVE_SCALE_COUNT</c> changes the size;
/// <c>DLEDGER_ARCHIVE_SCALE_KEEP=1</c> keeps the ledger and the bucket (their addresses in
/// <c>dl-archive-scale-kept.txt</c> in the temp directory) to profile the commands on them.
/// </summary>
public sealed class ArchiveAtScaleTests(ITestOutputHelper output)
{
    private const string CountVariable = "DLEDGER_ARCHIVE_SCALE_COUNT";
    private const string ReportVariable = "DLEDGER_ARCHIVE_SCALE_REPORT";
    private const string KeepVariable = "DLEDGER_ARCHIVE_SCALE_KEEP";

    // Four of the recorder's default MaxBatchSize (8,192), well inside its default queue capacity (65,536).
    private const int InFlightDecisions = 32_768;
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(15);
    private readonly List<string> _profile = [];

    [S3Fact]
    public async Task MillionDecisions_ArchivedToS3_ShrinkTheLiveStore_AndStayVerifiableShowableExportableReportableQueryable()
    {
        int count = Environment.GetEnvironmentVariable(CountVariable) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : 1_000_000;
        var total = Stopwatch.StartNew();
        string root = Path.Combine(Path.GetTempPath(), "dl-archive-scale-" + Guid.NewGuid().ToString("N")[..12]);
        string ledger = Path.Combine(root, "ledger");
        using AmazonS3Client client = S3Server.Client();
        string bucket = await S3Server.CreateBucketAsync(client);
        string archive = $"s3://{bucket}/ledgers/scale";
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ENDPOINT_URL_S3"] = S3Server.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = S3Server.Credentials.GetCredentials().AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3Server.Credentials.GetCredentials().SecretKey,
            ["AWS_REGION"] = "us-east-1",
        };
        try
        {
            Note($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}, {count:N0} decisions");

            // 1. The ledger, recorded in process through the real recorder and SQLite store.
            LedgerDirectory directory = LedgerDirectory.Create(ledger, "decisionledger.test/archive-scale");
            string probeSubject = ScaleDecisions.SubjectId(42);
            var probeSeqs = new List<long>();
            long probeSeq = count / 3;
            StoredEntry probeEntry;
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var phase = Stopwatch.StartNew();
            await using (var store = new SqliteLedgerStore(directory.DatabasePath))
            {
                DecisionRecorder recorder = await LedgerRecorder.StartAsync(directory, store);
                await using (recorder)
                {
                    // A bulk caller's path (the collector's NDJSON batches): SubmitAsync, no state machine per
                    // decision, and enough in flight for every group commit to be a full MaxBatchSize batch.
                    var generator = new ScaleDecisions(count);
                    var inFlight = new Queue<(Task<RecordReceipt> Receipt, bool Probe)>();
                    while (generator.Next() is { } decision)
                    {
                        inFlight.Enqueue((recorder.SubmitAsync(decision), decision.Subject?.Id == probeSubject));
                        if (inFlight.Count >= InFlightDecisions)
                        {
                            await Settle(inFlight.Dequeue());
                        }
                    }

                    while (inFlight.TryDequeue(out (Task<RecordReceipt> Receipt, bool Probe) pending))
                    {
                        await Settle(pending);
                    }
                }

                probeEntry = await store.GetEntryAsync(probeSeq) ?? throw new InvalidOperationException($"seq {probeSeq} was not recorded");
            }

            Note(Phase("record (in process: recorder + SQLite)", phase.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu, count));
            Assert.NotEmpty(probeSeqs);
            (long liveBytesBefore, long entryBytes, long inputBytes) = Measure(directory.DatabasePath);
            Note($"live store before: {Mib(liveBytesBefore)} (canonical entries {Mib(entryBytes)}, stored inputs {Mib(inputBytes)})");

            // 2. Archive to S3 and give the space back (VACUUM).
            DledgerRun archived = await Run(environment, "archive (to S3, read back, remove, --compact)", count,
                "archive", "--ledger", ledger, "--to", archive, "--before", "2026-01-01", "--compact", "--json");
            long archivedDecisions = ArchivedDecisions(archived.Out);
            long liveBytesAfter = Measure(directory.DatabasePath).FileBytes;
            (int files, long parquetBytes) = await ObjectsAsync(client, bucket);
            Note($"archived {archivedDecisions:N0} decisions into {files} Parquet files, {Mib(parquetBytes)}: " +
                $"{(entryBytes + inputBytes) / (double)parquetBytes:F1}x smaller than the entries and inputs they hold; " +
                $"{archivedDecisions / archived.Wall.TotalSeconds:N0} decisions/s");
            Note($"live store after: {Mib(liveBytesAfter)} ({100.0 * (liveBytesBefore - liveBytesAfter) / liveBytesBefore:F1}% smaller)");
            Assert.True(archivedDecisions >= count - 512, $"only {archivedDecisions} of {count} decisions were archived");
            Assert.True(liveBytesAfter <= liveBytesBefore / 5, $"the live database went from {liveBytesBefore} to {liveBytesAfter} bytes: less than 80% smaller");

            // 3. Verify: every archived entry's leaf recomputed from the Parquet bytes, against the live tiles and checkpoints.
            DledgerRun verified = await Run(environment, "verify (live + archive)", count, "verify", "--ledger", ledger);
            Assert.Contains("PASSED", verified.Out, StringComparison.Ordinal);

            // 4. show: an archived seq, read from its file, with its proof from the live tiles.
            DledgerRun shown = await Run(environment, "show --seq (archived)", 1, "show", "--ledger", ledger, "--seq", probeSeq.ToString(CultureInfo.InvariantCulture), "--json");
            using (JsonDocument show = JsonDocument.Parse(shown.Out))
            {
                Assert.Equal(probeEntry.Columns.RequestId, show.RootElement.GetProperty("requestId").GetString());
                Assert.Equal(probeEntry.LeafHash.ToBase64(), show.RootElement.GetProperty("leafHash").GetString());
            }

            // 5. subject-report: every decision about one subject, all of them archived.
            DledgerRun reported = await Run(environment, "subject-report (archived subject)", 1, "subject-report", "--ledger", ledger, "--subject", probeSubject, "--json");
            using (JsonDocument report = JsonDocument.Parse(reported.Out))
            {
                Assert.Equal(probeSeqs.Count, report.RootElement.GetProperty("decisionCount").GetInt32());
                Assert.Equal(probeSeqs, report.RootElement.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("seq").GetInt64()).Order());
            }

            // 6. export: the subject's archived decisions as an evidence bundle, which verifies offline.
            string bundle = Path.Combine(root, "bundle");
            await Run(environment, "export --subject (archived)", 1, "export", "--ledger", ledger, "--subject", probeSubject, "--out", bundle);
            Assert.Equal(probeSeqs.Count, File.ReadLines(Path.Combine(bundle, "entries.jsonl")).Count(l => l.Length > 0));
            await Run(environment, "verify --bundle", 1, "verify", "--bundle", bundle, "--key", directory.VerifierKey);

            // 7. query --include-archive: the newest page, and the subject's decisions merged from the archive.
            DledgerRun newest = await Run(environment, "query --include-archive, first page of 20", 1, "query", "--ledger", ledger, "--include-archive", "--limit", "20", "--json");
            using (JsonDocument page = JsonDocument.Parse(newest.Out))
            {
                Assert.Equal(20, page.RootElement.GetProperty("entries").GetArrayLength());
            }

            DledgerRun bySubject = await Run(environment, "query --include-archive --subject", 1, "query", "--ledger", ledger, "--include-archive", "--subject", probeSubject, "--limit", "1000", "--json");
            Assert.Equal(probeSeqs.AsEnumerable().Reverse(), QuerySeqs(bySubject.Out));

            Note($"total {total.Elapsed.TotalSeconds:F1} s, load average {LoadAverage()}");

            async Task Settle((Task<RecordReceipt> Receipt, bool Probe) pending)
            {
                RecordReceipt receipt = await pending.Receipt;
                if (pending.Probe)
                {
                    probeSeqs.Add(receipt.Seq);
                }
            }
        }
        finally
        {
            await File.WriteAllLinesAsync(Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } report ? report : Path.Combine(Path.GetTempPath(), "dl-archive-scale-last.txt"), _profile);
            if (Environment.GetEnvironmentVariable(KeepVariable) is { Length: > 0 })
            {
                // For profiling the dledger commands on the same ledger and archive (docs/performance.md).
                await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "dl-archive-scale-kept.txt"), $"{ledger}\n{archive}\n");
            }
            else
            {
                await DeleteBucketAsync(client, bucket);
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
        }
    }

    private async Task<DledgerRun> Run(Dictionary<string, string> environment, string name, long entries, params string[] arguments)
    {
        DledgerRun run = await Dledger.RunAsync(environment, s_commandTimeout, arguments);
        Note(Phase(name, run.Wall, run.Cpu, entries));
        Assert.True(run.ExitCode == 0, $"dledger {string.Join(' ', arguments)}: {run}");
        return run;
    }

    private static string Phase(string name, TimeSpan wall, TimeSpan cpu, long entries) =>
        entries > 1
            ? $"{name}: {wall.TotalSeconds:F1} s wall, {cpu.TotalSeconds:F1} s CPU ({cpu.TotalMicroseconds / entries:F1} µs per entry)"
            : $"{name}: {wall.TotalSeconds:F2} s wall, {cpu.TotalSeconds:F2} s CPU";

    private void Note(string line)
    {
        _profile.Add(line);
        output.WriteLine(line);
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:N1} MiB";

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The database's size on disk (main file and WAL), and the bytes of canonical entries and stored inputs it holds.</summary>
    private static (long FileBytes, long EntryBytes, long InputBytes) Measure(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT coalesce(sum(length(body)), 0) FROM entries), (SELECT coalesce(sum(length(input)) + sum(length(salt)), 0) FROM inputs)";
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        long wal = File.Exists(database + "-wal") ? new FileInfo(database + "-wal").Length : 0;
        return (new FileInfo(database).Length + wal, reader.GetInt64(0), reader.GetInt64(1));
    }

    private static long ArchivedDecisions(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("runs").EnumerateArray().Sum(r => r.GetProperty("decisions").GetInt64());
    }

    private static long[] QuerySeqs(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("entries").EnumerateArray()
            .Where(e => !e.TryGetProperty("kind", out JsonElement kind) || kind.GetString() == "decision")
            .Select(e => e.GetProperty("seq").GetInt64())];
    }

    private static async Task<(int Files, long Bytes)> ObjectsAsync(IAmazonS3 client, string bucket)
    {
        int files = 0;
        long bytes = 0;
        var request = new ListObjectsV2Request { BucketName = bucket };
        while (true)
        {
            ListObjectsV2Response page = await client.ListObjectsV2Async(request);
            foreach (S3Object item in page.S3Objects ?? [])
            {
                if (item.Key.EndsWith(".parquet", StringComparison.Ordinal))
                {
                    files++;
                    bytes += item.Size ?? 0;
                }
            }

            if (page.IsTruncated != true)
            {
                return (files, bytes);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private static async Task DeleteBucketAsync(IAmazonS3 client, string bucket)
    {
        var request = new ListObjectsV2Request { BucketName = bucket };
        while (true)
        {
            ListObjectsV2Response page = await client.ListObjectsV2Async(request);
            foreach (S3Object item in page.S3Objects ?? [])
            {
                await client.DeleteObjectAsync(bucket, item.Key);
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }

        await client.DeleteBucketAsync(bucket);
    }
}
