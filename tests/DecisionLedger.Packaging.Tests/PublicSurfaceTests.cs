namespace DecisionLedger.Packaging.Tests;

/// <summary>
/// Every public type of a library is public on purpose (issue 13: <c>internal sealed</c> by default). A public
/// class is sealed or abstract unless it is listed below with the reason it is open, and every public type is
/// listed, with its purpose, in docs/packages.md ("What each package exposes"): the page and the assemblies
/// agree exactly, so a type made public by accident fails here with its name.
/// </summary>
/// <remarks>Reads the assemblies src/ was built into beside this project (no package feed needed).</remarks>
public sealed class PublicSurfaceTests
{
    /// <summary>Public classes that are open on purpose, with the reason. Anything else public is sealed, abstract or static.</summary>
    private static readonly Dictionary<string, string> s_openByDesign = new(StringComparer.Ordinal)
    {
        ["DecisionLedger.Querying.QueryException"] = "the base of WhereSyntaxException, so a caller catches every query error (bad where, foreign cursor, refused scan) as one type",
    };

    private static readonly string[] s_shippedLibraries =
    [
        "DecisionLedger",
        "DecisionLedger.Hosting",
        "DecisionLedger.Audit",
        "DecisionLedger.Sqlite",
        "DecisionLedger.PostgreSql",
        "DecisionLedger.Redis",
        "DecisionLedger.Archiving.S3",
        "DecisionLedger.AspNetCore",
        "DecisionLedger.Testing",
        "DecisionLedger.Replay.MLNet",
    ];

    public static TheoryData<string> ShippedLibraries => [.. s_shippedLibraries];

    [Theory]
    [MemberData(nameof(ShippedLibraries))]
    public void PublicClasses_AreSealedOrAbstract_UnlessOpenByDesign(string package)
    {
        string[] open = [.. Exported(package)
            .Where(t => t.IsOpenClass && !s_openByDesign.ContainsKey(t.Name))
            .Select(t => $"{package}: public class {t.Name} is neither sealed nor abstract; seal it, or add it to s_openByDesign with the reason it is meant to be derived from")];

        Assert.True(open.Length == 0, string.Join('\n', open));
    }

    [Fact]
    public void OpenByDesign_NamesOnlyPublicOpenClasses()
    {
        // A stale allowlist entry would let the next class of that name stay open unnoticed.
        HashSet<string> openClasses = [.. s_shippedLibraries.SelectMany(Exported).Where(t => t.IsOpenClass).Select(t => t.Name)];

        string[] stale = [.. s_openByDesign.Keys.Where(name => !openClasses.Contains(name)).Select(name => $"s_openByDesign lists {name}, which is no public open class of a shipped library; remove it")];

        Assert.True(stale.Length == 0, string.Join('\n', stale));
    }

    [Theory]
    [MemberData(nameof(ShippedLibraries))]
    public void EveryPublicType_IsListedInPackagesDoc(string package)
    {
        HashSet<string> listed = [.. PublicSurfaceDoc.Read().TypesOf(package).Select(t => t.Name)];

        string[] missing = [.. Exported(package)
            .Where(t => !listed.Contains(t.Name))
            .Select(t => $"{package}: public type {t.Name} is not listed under ### `{package}` in {PublicSurfaceDoc.Page} ({PublicSurfaceDoc.Section}); make it internal, or list it with its purpose")];

        Assert.True(missing.Length == 0, string.Join('\n', missing));
    }

    [Theory]
    [MemberData(nameof(ShippedLibraries))]
    public void EveryListedType_IsPublicInThatPackage(string package)
    {
        HashSet<string> exported = [.. Exported(package).Select(t => t.Name)];

        string[] extra = [.. PublicSurfaceDoc.Read().TypesOf(package)
            .Where(t => !exported.Contains(t.Name) && !t.IsLanding)
            .Select(t => $"{PublicSurfaceDoc.Page}:{t.Line}: lists {t.Name} under {package}, which does not export it; remove the row (or mark a type still being added with {PublicSurfaceDoc.LandingMarker})")];

        Assert.True(extra.Length == 0, string.Join('\n', extra));
    }

    [Fact]
    public void PackagesDoc_HasAHeadingForEveryShippedLibraryAndNoOther()
    {
        string[] documented = [.. PublicSurfaceDoc.Read().Packages.Order(StringComparer.Ordinal)];

        Assert.Equal(s_shippedLibraries.Order(StringComparer.Ordinal), documented);
    }

    [Fact]
    public void DocParser_ReadsRowsAndLandingMarks_AndRejectsARowWithoutPurpose()
    {
        // Guards the parser, so the comparisons above cannot pass on a list read as empty.
        PublicSurfaceDoc doc = PublicSurfaceDoc.Parse(
            "## What each package exposes\n\n### `P`\n\n| type | purpose |\n|---|---|\n| `N.A` | does a |\n| `N.B<T>` | does b (entry v2, landing) |\n\n## Next\n| `N.C` | not in the section |\n");

        ListedType[] expected = [new("N.A", false, 7), new("N.B", true, 8)];
        Assert.Equal(expected, doc.TypesOf("P"));
        Assert.Throws<InvalidOperationException>(() => PublicSurfaceDoc.Parse("## What each package exposes\n### `P`\n| `N.A` |  |\n"));
        Assert.NotEmpty(PublicSurfaceDoc.Read().TypesOf("DecisionLedger"));
    }

    private static IReadOnlyList<ExportedType> Exported(string package)
    {
        string bin = Path.Combine(RepositoryLayout.Root, "src", package, "bin", RepositoryLayout.BuildConfiguration);
        string[] assemblies = Directory.Exists(bin)
            ? [.. Directory.GetFiles(bin, $"{package}.dll", SearchOption.AllDirectories).Where(p => Path.GetDirectoryName(Path.GetDirectoryName(p)) == bin)]
            : [];
        Assert.True(assemblies.Length == 1, $"{package}: expected one built assembly under {bin}/<framework>/, found {assemblies.Length}; build src/ first");

        IReadOnlyList<ExportedType> types = ExportedType.ReadAll(assemblies[0]);
        Assert.NotEmpty(types);
        return types;
    }
}
