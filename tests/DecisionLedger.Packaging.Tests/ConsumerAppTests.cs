using System.Text.Json;
using System.Text.RegularExpressions;

namespace DecisionLedger.Packaging.Tests;

/// <summary>
/// A new console app that takes DecisionLedger from the feed with PackageReference, as a team
/// would. Its Program.cs is samples/RecorderQuickstart verbatim and its packages are that
/// sample's project references, so the test follows the public API as the sample does.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class ConsumerAppTests(PackageFeedFixture feed)
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task AppReferencingThePackages_RecordsADecision_AndTheLedgerVerifies()
    {
        Assert.True(feed.Pack.Succeeded, feed.Pack.ToString());
        string app = feed.NewDirectory("consumer");
        string[] packages = SamplePackages();
        Assert.Contains("DecisionLedger", packages);
        Assert.Contains("DecisionLedger.Sqlite", packages);
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), ConsumerProject(packages));
        File.Copy(RepositoryLayout.SamplePath("RecorderQuickstart/Program.cs"), Path.Combine(app, "Program.cs"));

        ProcessResult build = await ChildProcess.DotnetAsync(app, s_buildTimeout, feed.RestoreEnvironment,
            "build", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-v:m");
        Assert.True(build.Succeeded, build.ToString());
        AssertRestoredFromTheFeed(app, packages);

        string ledger = Path.Combine(app, "ledger");
        ProcessResult run = await ChildProcess.DotnetAsync(app, s_buildTimeout, null,
            Path.Combine(app, "bin", "Debug", "net10.0", "Consumer.dll"), ledger);
        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains("durable: seq ", run.Output, StringComparison.Ordinal);
        Assert.Contains("verified 100 entries", run.Output, StringComparison.Ordinal);

        // The installed tool reads what the app wrote: same formats across the packages.
        string dledger = await feed.InstalledToolAsync();
        ProcessResult verify = await ChildProcess.RunAsync(dledger, app, s_buildTimeout, null, "verify", "--ledger", ledger);
        Assert.True(verify.Succeeded, verify.ToString());
    }

    /// <summary>The sample's project references under src/, as package ids.</summary>
    private static string[] SamplePackages() =>
        ProjectReference().Matches(File.ReadAllText(RepositoryLayout.SamplePath("RecorderQuickstart/RecorderQuickstart.csproj")))
            .Select(m => Path.GetFileNameWithoutExtension(m.Groups[1].Value))
            .ToArray();

    private static string ConsumerProject(IEnumerable<string> packages) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <NuGetAudit>false</NuGetAudit>
          </PropertyGroup>
          <ItemGroup>
        {string.Concat(packages.Select(p => $"    <PackageReference Include=\"{p}\" Version=\"{RepositoryLayout.Version}\" />\n"))}  </ItemGroup>
        </Project>
        """;

    /// <summary>Each DecisionLedger package came from this run's feed, not from a folder of older packages of the same version.</summary>
    private void AssertRestoredFromTheFeed(string app, string[] packages)
    {
        using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "obj", "project.assets.json")));
        foreach (string package in packages)
        {
            string extracted = Path.Combine(feed.PackagesFolder, package.ToLowerInvariant(), RepositoryLayout.Version);
            Assert.True(Directory.Exists(extracted),
                $"{package} {RepositoryLayout.Version} was not extracted from the feed into {feed.PackagesFolder}; restore found it elsewhere:\n{assets.RootElement.GetProperty("packageFolders")}");
        }
    }

    [GeneratedRegex(@"<ProjectReference\s+Include=""[^""]*/src/[^""]*/([^""/]+\.csproj)""")]
    private static partial Regex ProjectReference();
}
