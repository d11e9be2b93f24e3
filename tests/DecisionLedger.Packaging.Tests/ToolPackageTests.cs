using System.Reflection.PortableExecutable;

namespace DecisionLedger.Packaging.Tests;

/// <summary>`dotnet tool install dledger` from the feed gives a working command, as a team would get it.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ToolPackageTests(PackageFeedFixture feed)
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task InstalledTool_RunsTheDemo_AndTheLedgerVerifies()
    {
        string dledger = await feed.InstalledToolAsync();
        string work = feed.NewDirectory("tool");
        string ledger = Path.Combine(work, "ledger");

        ProcessResult version = await ChildProcess.RunAsync(dledger, work, s_commandTimeout, null, "--version");
        Assert.True(version.Succeeded, version.ToString());
        Assert.StartsWith(RepositoryLayout.Version, version.Output.Trim(), StringComparison.Ordinal);

        ProcessResult demo = await ChildProcess.RunAsync(dledger, work, s_commandTimeout, null, "demo", "--ledger", ledger);
        Assert.True(demo.Succeeded, demo.ToString());

        ProcessResult verify = await ChildProcess.RunAsync(dledger, work, s_commandTimeout, null, "verify", "--ledger", ledger);
        Assert.True(verify.Succeeded, verify.ToString());
    }

    [Fact]
    public async Task InstalledTool_IsThisMachinesReadyToRunPackage()
    {
        await feed.InstalledToolAsync();

        // The store holds the pointer package's settings and the implementation package install chose.
        string[] assemblies = Directory.GetFiles(Path.Combine(feed.ToolPath, ".store"), "dledger.dll", SearchOption.AllDirectories);
        string installed = Assert.Single(assemblies);
        string rid = PackageFeedFixture.MachineRuntimeIdentifier;
        Assert.True(installed.Contains($"{Path.DirectorySeparatorChar}{rid}{Path.DirectorySeparatorChar}", StringComparison.Ordinal),
            $"dotnet tool install on {rid} installed {installed}, not the {rid} package");
        Assert.True(HasReadyToRunCode(installed), $"{installed} has no ReadyToRun code: the tool installed on {rid} is plain IL");
    }

    [Fact]
    public void AnyPackage_IsThePlainFallback_ForPlatformsWithoutTheirOwn()
    {
        Assert.True(feed.Pack.Succeeded, feed.Pack.ToString());
        string fallback = Path.Combine(feed.Feed, $"dledger.any.{RepositoryLayout.Version}.nupkg");
        Assert.True(File.Exists(fallback), $"no {Path.GetFileName(fallback)} in the feed");
        string unpacked = feed.NewDirectory("any");
        System.IO.Compression.ZipFile.ExtractToDirectory(fallback, unpacked);
        string assembly = Path.Combine(unpacked, "tools", "net10.0", "any", "dledger.dll");
        Assert.True(File.Exists(assembly), $"{Path.GetFileName(fallback)} holds no tools/net10.0/any/dledger.dll");
        Assert.False(HasReadyToRunCode(assembly), "the any package must be plain IL: R2R code is for one platform only");
    }

    /// <summary>A ReadyToRun image carries a managed native header in its CLI header; plain IL does not.</summary>
    private static bool HasReadyToRunCode(string assembly)
    {
        using FileStream stream = File.OpenRead(assembly);
        using var reader = new PEReader(stream);
        CorHeader? header = reader.PEHeaders.CorHeader;
        Assert.NotNull(header);
        return header.ManagedNativeHeaderDirectory.Size > 0;
    }
}
