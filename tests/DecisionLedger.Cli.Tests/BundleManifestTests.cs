using System.Text.Json;
using System.Text.Json.Nodes;

namespace DecisionLedger.Cli.Tests;

/// <summary>verify --bundle checks what the manifest claims against what the bundle holds.</summary>
public sealed class BundleManifestTests(DemoBundles bundles) : IClassFixture<DemoBundles>
{
    [Theory]
    [InlineData("full")]
    [InlineData("filtered")]
    public async Task VerifyBundle_InputsFileDeleted_ReportsInputMissing(string which)
    {
        string bundle = bundles.Copy(which == "full" ? bundles.Full : bundles.Filtered);
        File.Delete(Path.Combine(bundle, "inputs.jsonl"));

        CliResult result = await VerifyAsync(bundle);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(": input-missing", result.Out, StringComparison.Ordinal);
        Assert.Contains("inputs.jsonl is absent", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_InputsFileEmptied_ReportsInputMissing()
    {
        string bundle = bundles.Copy(bundles.Full);
        await File.WriteAllTextAsync(Path.Combine(bundle, "inputs.jsonl"), string.Empty);

        CliResult result = await VerifyAsync(bundle);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("first bad seq 0: input-missing", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_OneInputLineDeleted_ReportsInputMissing()
    {
        string bundle = bundles.Copy(bundles.Filtered);
        string path = Path.Combine(bundle, "inputs.jsonl");
        List<string> lines = [.. File.ReadAllLines(path)];
        lines.RemoveAt(2);
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n");

        CliResult result = await VerifyAsync(bundle);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(": input-missing", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_EntryCountEdited_ReportsManifestMismatch()
    {
        string bundle = bundles.Copy(bundles.Filtered);
        EditManifest(bundle, m => m["entryCount"] = 12);

        CliResult result = await VerifyAsync(bundle);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(": manifest-mismatch", result.Out, StringComparison.Ordinal);
        Assert.Contains("'entryCount' is 12", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_RootHashEdited_ReportsManifestMismatch()
    {
        string bundle = bundles.Copy(bundles.Full);
        EditManifest(bundle, m => m["rootHash"] = Convert.ToBase64String(new byte[32]));

        CliResult result = await VerifyAsync(bundle);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("'rootHash'", result.Out, StringComparison.Ordinal);
        Assert.Contains(": manifest-mismatch", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_FilterClaimTheLinesDoNotMatch_ReportsManifestMismatchNamingTheFilter()
    {
        // The filtered demo bundle selected version 3.2.1; claim it selected another version.
        string bundle = bundles.Copy(bundles.Filtered);
        EditManifest(bundle, m => m["filters"]!["modelVersion"] = "9.9.9");

        CliResult result = await VerifyAsync(bundle);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(": manifest-mismatch", result.Out, StringComparison.Ordinal);
        Assert.Contains("filter 'modelVersion'", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBundle_Intact_ReportsInputsWithheldZero()
    {
        CliResult result = await CliRun.RunAsync("verify", "--bundle", bundles.Full, "--key", bundles.Key, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument report = JsonDocument.Parse(result.Out);
        Assert.Equal(0, report.RootElement.GetProperty("inputsWithheld").GetInt64());
    }

    [Theory]
    [InlineData("full")]
    [InlineData("filtered")]
    public async Task VerifyBundle_CrlfLineEndings_Passes(string which)
    {
        string bundle = bundles.Copy(which == "full" ? bundles.Full : bundles.Filtered);
        foreach (string file in new[] { "entries.jsonl", "inputs.jsonl", "proofs.jsonl" })
        {
            string path = Path.Combine(bundle, file);
            if (!File.Exists(path))
            {
                continue;
            }

            await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("\n", "\r\n", StringComparison.Ordinal));
        }

        CliResult result = await VerifyAsync(bundle);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static void EditManifest(string bundle, Action<JsonObject> edit)
    {
        string path = Path.Combine(bundle, "manifest.json");
        JsonObject manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }

    private Task<CliResult> VerifyAsync(string bundle) => CliRun.RunAsync("verify", "--bundle", bundle, "--key", bundles.Key);
}
