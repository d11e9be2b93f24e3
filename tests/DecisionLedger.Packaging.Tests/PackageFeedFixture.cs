using System.Runtime.InteropServices;
using System.Security;
using System.Text.RegularExpressions;

namespace DecisionLedger.Packaging.Tests;

/// <summary>
/// One pack per test run: every project under src/ packed into a temporary folder feed, a
/// nuget.config that sees only that feed and the machine's own package source, and a package
/// folder of its own so a package of the same version restored earlier can never stand in for
/// the one just packed. The dledger tool is installed from the feed on first use.
/// </summary>
public sealed partial class PackageFeedFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_packTimeout = TimeSpan.FromMinutes(8);

    // Two builds and one crossgen run of 37 assemblies: a few minutes idle, far more on a loaded 2-core machine.
    private static readonly TimeSpan s_toolPackTimeout = TimeSpan.FromMinutes(15);
    private Task<string>? _toolInstall;

    /// <summary>The temporary directory holding the feed, nuget.config, the package folder and every test's work.</summary>
    public string WorkRoot { get; } = Path.Combine(Path.GetTempPath(), "dledger-packaging-" + Guid.NewGuid().ToString("N")[..12]);

    public string Feed => Path.Combine(WorkRoot, "feed");

    public string NuGetConfig => Path.Combine(WorkRoot, "nuget.config");

    /// <summary>The package folder restores in these tests extract into (never the user's).</summary>
    public string PackagesFolder => Path.Combine(WorkRoot, "packages");

    /// <summary>What `dotnet pack` printed, for failure messages.</summary>
    public ProcessResult Pack { get; private set; } = null!;

    /// <summary>Environment for every child that restores: the isolated package folder.</summary>
    public IReadOnlyDictionary<string, string> RestoreEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(PackagesFolder);
        await WriteNuGetConfigAsync();
        await File.WriteAllTextAsync(Path.Combine(WorkRoot, "pack-src.proj"), TraversalProject());

        // --no-build: the libraries' packages hold exactly what the build of src/ before this test produced.
        ProcessResult libraries = await ChildProcess.DotnetAsync(WorkRoot, s_packTimeout, null,
            "msbuild", "pack-src.proj", "-t:Pack", "-nologo", "-nodeReuse:false", "-v:m",
            "-p:NoBuild=true", $"-p:Configuration={RepositoryLayout.BuildConfiguration}", $"-p:PackageOutputPath={Feed}/");
        Pack = libraries.Succeeded ? await PackToolAsync() : libraries;
    }

    /// <summary>
    /// The tool's RID-specific packages are each a build and a ReadyToRun publish for one RID, which a
    /// pack with NoBuild cannot give; its libraries are already built (BuildProjectReferences=false).
    /// Only this machine's RID and the `any` fallback are packed: the other RIDs are the same
    /// recipe, and each one costs a minute or more of crossgen.
    /// </summary>
    private async Task<ProcessResult> PackToolAsync() =>
        await ChildProcess.DotnetAsync(WorkRoot, s_toolPackTimeout, null,
            "pack", Path.Combine(RepositoryLayout.Root, "src", "DecisionLedger.Cli", "DecisionLedger.Cli.csproj"),
            "-nologo", "-nodeReuse:false", "-v:m", "-c", RepositoryLayout.BuildConfiguration, "-o", Feed,
            "-p:BuildProjectReferences=false", $"-p:DledgerToolRuntimeIdentifiers={MachineRuntimeIdentifier}");

    /// <summary>The portable RID of this machine (linux-x64, osx-arm64, win-x64, ...), the tool package `dotnet tool install` picks here.</summary>
    public static string MachineRuntimeIdentifier { get; } =
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>Where `dotnet tool install --tool-path` put the tool's files.</summary>
    public string ToolPath => Path.Combine(WorkRoot, "tools");

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_KEEP_PACKAGING_TEMP") != "1")
        {
            try
            {
                Directory.Delete(WorkRoot, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is not a test failure.
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A new empty directory under the work root.</summary>
    public string NewDirectory(string name)
    {
        string path = Path.Combine(WorkRoot, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The dledger launcher installed with `dotnet tool install --tool-path` from the feed (installed once).</summary>
    public Task<string> InstalledToolAsync() => _toolInstall ??= InstallToolAsync();

    private async Task<string> InstallToolAsync()
    {
        Assert.True(Pack.Succeeded, Pack.ToString());
        string toolPath = ToolPath;
        ProcessResult install = await ChildProcess.DotnetAsync(WorkRoot, TimeSpan.FromMinutes(4), RestoreEnvironment,
            "tool", "install", "dledger", "--tool-path", toolPath, "--version", RepositoryLayout.Version,
            "--add-source", Feed, "--configfile", NuGetConfig);
        Assert.True(install.Succeeded, install.ToString());
        string launcher = Path.Combine(toolPath, "dledger");
        Assert.True(File.Exists(launcher), $"dotnet tool install put no dledger launcher in {toolPath}:\n{install}");
        return launcher;
    }

    private async Task WriteNuGetConfigAsync()
    {
        // The machine's own sources (an offline mirror, say) resolve the packages' dependencies.
        ProcessResult sources = await ChildProcess.DotnetAsync(WorkRoot, TimeSpan.FromMinutes(1), null, "nuget", "list", "source", "--format", "short");
        Assert.True(sources.Succeeded, sources.ToString());
        List<string> machineSources = SourceLine().Matches(sources.Output).Select(m => m.Groups[1].Value.Trim()).ToList();

        ProcessResult locals = await ChildProcess.DotnetAsync(WorkRoot, TimeSpan.FromMinutes(1), null, "nuget", "locals", "global-packages", "--list");
        Assert.True(locals.Succeeded, locals.ToString());
        string userPackages = GlobalPackagesLine().Match(locals.Output).Groups[1].Value.Trim();

        // The user's package folder is a read-only fallback so nothing is downloaded twice; packages
        // from the feed still extract into this run's own folder (ConsumerAppTests checks where).
        string config = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Xml(PackagesFolder)}" />
              </config>
              <packageSources>
                <clear />
                <add key="local-feed" value="{Xml(Feed)}" />
            {string.Concat(machineSources.Select((s, i) => $"    <add key=\"machine-{i}\" value=\"{Xml(s)}\" />\n"))}  </packageSources>
              <fallbackPackageFolders>
                <clear />
            {(userPackages.Length > 0 ? $"    <add key=\"user-packages\" value=\"{Xml(userPackages)}\" />\n" : "")}  </fallbackPackageFolders>
            </configuration>
            """;
        await File.WriteAllTextAsync(NuGetConfig, config);
    }

    private static string TraversalProject() => $"""
        <Project>
          <ItemGroup>
            <ProjectToPack Include="{Xml(Path.Combine(RepositoryLayout.Root, "src"))}/*/*.csproj"
                           Exclude="{Xml(Path.Combine(RepositoryLayout.Root, "src", "DecisionLedger.Cli", "DecisionLedger.Cli.csproj"))}" />
          </ItemGroup>
          <Target Name="Pack">
            <MSBuild Projects="@(ProjectToPack)" Targets="Pack" />
          </Target>
        </Project>
        """;

    private static string Xml(string value) => SecurityElement.Escape(value);

    // `E https://host/v3/index.json` (E: enabled).
    [GeneratedRegex(@"^\s*E[A-Za-z]*\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex SourceLine();

    [GeneratedRegex(@"global-packages:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex GlobalPackagesLine();
}
