using System.Xml.Linq;

namespace DecisionLedger.Tests.Architecture;

/// <summary>
/// The declared dependency graph of the projects under <c>src/</c>, read from their csproj files:
/// what a project ships to whoever references its package is its own references plus those of
/// every project it references, transitively.
/// </summary>
internal sealed class ProjectGraph
{
    private readonly string _src;

    private ProjectGraph(string src) => _src = src;

    /// <summary>The graph of the repository that holds the running tests.</summary>
    public static ProjectGraph OfRepository()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DecisionLedger.slnx")))
            {
                return new ProjectGraph(Path.Combine(directory.FullName, "src"));
            }
        }

        throw new InvalidOperationException($"No DecisionLedger.slnx above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }

    /// <summary>The projects <paramref name="project"/> references, transitively, by name (itself excluded).</summary>
    public IReadOnlySet<string> ProjectsReachedFrom(string project)
    {
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        Walk(project, reached);
        reached.Remove(project);
        return reached;
    }

    /// <summary>The packages and shared frameworks declared by <paramref name="project"/> or any project it reaches.</summary>
    public IReadOnlySet<string> PackagesReachedFrom(string project)
    {
        var packages = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string name in ProjectsReachedFrom(project).Append(project))
        {
            packages.UnionWith(DirectPackages(name));
        }

        return packages;
    }

    /// <summary>The packages and shared frameworks <paramref name="project"/> itself declares.</summary>
    public IEnumerable<string> DirectPackages(string project) =>
        Load(project).Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "FrameworkReference")
            .Select(e => (string)e.Attribute("Include")!);

    private void Walk(string project, ISet<string> reached)
    {
        if (!reached.Add(project))
        {
            return;
        }

        foreach (XElement reference in Load(project).Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
        {
            Walk(Path.GetFileNameWithoutExtension((string)reference.Attribute("Include")!), reached);
        }
    }

    private XDocument Load(string project)
    {
        string path = Path.Combine(_src, project, project + ".csproj");
        return File.Exists(path)
            ? XDocument.Load(path)
            : throw new FileNotFoundException($"{project}: no project at {path}.", path);
    }
}
