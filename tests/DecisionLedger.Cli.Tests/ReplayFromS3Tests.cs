using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// <c>dledger replay --artifacts s3://bucket/prefix</c> and <c>dledger serve --replay-artifacts s3://…</c>
/// (issue 17, 1(a)) on the real s3rver: the S3 store is chosen by its scheme, a tampered object and a
/// missing one are not replayable with their reasons, and a missing bucket is a clear failure.
/// </summary>
[Collection(AwsEnvironment.Collection)]
public sealed class ReplayFromS3Tests
{
    private static readonly string s_tamperedHex = Convert.ToHexStringLower(SHA256.HashData("the model file the decision was made with"u8));
    private static readonly string s_missingHex = Convert.ToHexStringLower(SHA256.HashData("a model nobody uploaded"u8));

    [S3Fact]
    public async Task ReplayArtifactsS3_TamperedAndMissingArtifacts_AreNotReplayableWithTheirReasons_AndTheRunIsRecorded()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp);
        using AwsEnvironment aws = AwsEnvironment.ForTestServer();
        using AmazonS3Client client = aws.Client();
        string bucket = await CreateBucketWithTamperedArtifactAsync(client);

        CliResult replay = await CliRun.RunAsync("replay", "--model", "scorer", "--artifacts", $"s3://{bucket}/models", "--ledger", temp.Ledger, "--json");

        Assert.True(replay.ExitCode == 0, replay.ToString());
        using JsonDocument json = JsonDocument.Parse(replay.Out);
        JsonElement root = json.RootElement;
        Assert.Equal($"s3://{bucket}/models", root.GetProperty("parameters").GetProperty("artifacts").GetString());
        Assert.Equal(2, root.GetProperty("notReplayable").GetInt32());
        JsonElement[] results = [.. root.GetProperty("results").EnumerateArray()];
        Assert.Equal("artifact-digest-mismatch", results[0].GetProperty("reason").GetString());
        Assert.Contains($"s3://{bucket}/models/{s_tamperedHex}.zip", results[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("artifact-not-found", results[1].GetProperty("reason").GetString());
        Assert.Contains(s_missingHex, results[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, root.GetProperty("eventSeq").GetInt64());
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [S3Fact]
    public async Task ReplayArtifactsS3_MissingBucket_ExitsThreeNamingBucketKeyAndEndpoint_AndRecordsNothing()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp);
        using AwsEnvironment aws = AwsEnvironment.ForTestServer();

        CliResult replay = await CliRun.RunAsync("replay", "--seq", "0", "--artifacts", "s3://dl-no-such-models-cli/models", "--ledger", temp.Ledger);

        Assert.True(replay.ExitCode == 3, replay.ToString());
        Assert.Contains("the bucket 'dl-no-such-models-cli' does not exist (NoSuchBucket)", replay.Error, StringComparison.Ordinal);
        Assert.Contains($"s3://dl-no-such-models-cli/models/{s_tamperedHex}", replay.Error, StringComparison.Ordinal);
        Assert.Contains(AwsEnvironment.Endpoint, replay.Error, StringComparison.Ordinal);
        CliResult verify = await CliRun.RunAsync("verify", "--ledger", temp.Ledger, "--json");
        using JsonDocument verified = JsonDocument.Parse(verify.Out);
        Assert.Equal(2, verified.RootElement.GetProperty("treeSize").GetInt64());
    }

    [Theory]
    [InlineData("replay", "--artifacts")]
    [InlineData("serve", "--replay-artifacts")]
    public async Task ArtifactsOption_MalformedS3Location_IsBadInputNamingTheOption(string command, string option)
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp);
        string[] arguments = command == "replay"
            ? ["replay", "--seq", "0", option, "s3://Bad_Bucket/models", "--ledger", temp.Ledger]
            : ["serve", "--urls", "http://127.0.0.1:0", option, "s3://Bad_Bucket/models", "--ledger", temp.Ledger];

        CliResult result = await CliRun.RunAsync(arguments);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"{option}: 's3://Bad_Bucket/models'", result.Error, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task ServeReplayArtifactsS3_ReplaysFromTheBucket_AndAMissingBucketIs503NamingIt()
    {
        using var temp = new TempLedger();
        await InitAndRecordAsync(temp);
        string auditor = (await CliRun.RunAsync("keys", "create", "--role", "auditor", "--ledger", temp.Ledger)).Out.Trim();
        using AwsEnvironment aws = AwsEnvironment.ForTestServer();
        using AmazonS3Client client = aws.Client();
        string bucket = await CreateBucketWithTamperedArtifactAsync(client);

        // The collector's own temporary directory, to see that it deletes its downloads when it stops.
        string tmp = Directory.CreateDirectory(Path.Combine(temp.Root, "tmp")).FullName;
        string? savedTmp = Environment.GetEnvironmentVariable("TMPDIR");
        Environment.SetEnvironmentVariable("TMPDIR", tmp);
        ServeProcess started;
        try
        {
            started = await ServeProcess.StartAsync(temp.Ledger, "--replay-artifacts", $"s3://{bucket}/models");
        }
        finally
        {
            Environment.SetEnvironmentVariable("TMPDIR", savedTmp);
        }

        using (ServeProcess serve = started)
        {
            serve.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
            using HttpResponseMessage response = await serve.Client.PostAsync("/v1/replays", Json("{\"model\":\"scorer\",\"artifacts\":true}"));
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body + serve.Output);
            using JsonDocument json = JsonDocument.Parse(body);
            Assert.Equal($"s3://{bucket}/models", json.RootElement.GetProperty("parameters").GetProperty("artifacts").GetString());
            Assert.Equal(["artifact-digest-mismatch", "artifact-not-found"], json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("reason").GetString()));
            Assert.Single(Directory.GetDirectories(tmp, "dledger-artifacts-*"));
            Assert.Equal(0, await serve.StopAsync());
            Assert.Empty(Directory.GetDirectories(tmp, "dledger-artifacts-*"));
        }

        using (ServeProcess serve = await ServeProcess.StartAsync(temp.Ledger, "--replay-artifacts", "s3://dl-no-such-models-serve/models"))
        {
            serve.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
            using HttpResponseMessage response = await serve.Client.PostAsync("/v1/replays", Json("{\"seq\":0,\"artifacts\":true}"));
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, body + serve.Output);
            Assert.Contains("the bucket 'dl-no-such-models-serve' does not exist", body, StringComparison.Ordinal);
            Assert.Contains($"s3://dl-no-such-models-serve/models/{s_tamperedHex}", body, StringComparison.Ordinal);
        }
    }

    // Two decisions of "scorer": seq 0 made with the artifact whose object was tampered with, seq 1 with one never uploaded.
    private static async Task InitAndRecordAsync(TempLedger temp)
    {
        CliResult init = await CliRun.RunAsync("init", "--origin", "t.example/replay-s3", "--ledger", temp.Ledger);
        Assert.True(init.ExitCode == 0, init.ToString());
        var lines = new StringBuilder();
        string[] digests = [s_tamperedHex, s_missingHex];
        for (int x = 0; x < digests.Length; x++)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{{\"requestId\":\"r-{x}\",\"model\":{{\"name\":\"scorer\",\"version\":\"1\",\"artifactDigest\":\"sha256:{digests[x]}\"}},\"input\":{{\"x\":{x}}},\"output\":{{\"score\":{2 * x}}}}}\n");
        }

        CliResult record = await CliRun.RunWithInputAsync(lines.ToString(), null, "record", "-", "--ledger", temp.Ledger);
        Assert.True(record.ExitCode == 0, record.ToString());
    }

    // A bucket whose models/ prefix holds, under the first digest's name, bytes that are not that artifact.
    private static async Task<string> CreateBucketWithTamperedArtifactAsync(AmazonS3Client client)
    {
        string bucket = "dl-cli-" + Path.GetRandomFileName().Replace(".", "", StringComparison.Ordinal);
        await client.PutBucketAsync(bucket);
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = $"models/{s_tamperedHex}.zip",
            InputStream = new MemoryStream("a retrained model under the old digest's name"u8.ToArray()),
            UseChunkEncoding = false,
        });
        return bucket;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
