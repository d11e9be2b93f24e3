using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DecisionLedger.Packaging.Tests;

/// <summary>The repository this test was built from: where it is, how src/ was built, what it should pack.</summary>
internal static partial class RepositoryLayout
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>The configuration src/ was built in alongside this project; the pack reuses that build.</summary>
    public static string BuildConfiguration { get; } = Metadata("BuildConfiguration");

    /// <summary>The one version every package carries: &lt;Version&gt; in the root Directory.Build.props.</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Every project under src/ that has not opted out of packing, with the package id it should produce.</summary>
    public static IReadOnlyList<PackableProject> PackableProjects { get; } = FindPackableProjects();

    public static string SamplePath(string relative) => Path.Combine(Root, "samples", relative);

    private static string Metadata(string key) =>
        typeof(RepositoryLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing from the test project");

    private static string ReadVersion()
    {
        string props = Path.Combine(Root, "Directory.Build.props");
        string[] versions = XDocument.Load(props).Descendants("Version").Select(v => v.Value.Trim()).ToArray();
        return versions.Length == 1
            ? versions[0]
            : throw new InvalidOperationException($"{props}: expected exactly one <Version>, found {versions.Length}");
    }

    private static List<PackableProject> FindPackableProjects()
    {
        var projects = new List<PackableProject>();
        foreach (string csproj in Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string text = File.ReadAllText(csproj);
            if (OptedOut().IsMatch(text))
            {
                continue;
            }

            Match packageId = PackageId().Match(text);
            bool isTool = PackAsTool().IsMatch(text);
            projects.Add(new PackableProject(
                Path.GetFileNameWithoutExtension(csproj),
                packageId.Success ? packageId.Groups[1].Value.Trim() : Path.GetFileNameWithoutExtension(csproj),
                isTool));
        }

        return projects;
    }

    [GeneratedRegex(@"<IsPackable>\s*false\s*</IsPackable>", RegexOptions.IgnoreCase)]
    private static partial Regex OptedOut();

    [GeneratedRegex(@"<PackageId>([^<]+)</PackageId>")]
    private static partial Regex PackageId();

    [GeneratedRegex(@"<PackAsTool>\s*true\s*</PackAsTool>", RegexOptions.IgnoreCase)]
    private static partial Regex PackAsTool();
}

/// <summary>A project under src/ and the package it must produce.</summary>
internal sealed record PackableProject(string ProjectName, string PackageId, bool IsTool);
