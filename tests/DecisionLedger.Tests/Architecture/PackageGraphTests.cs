namespace DecisionLedger.Tests.Architecture;

/// <summary>
/// Dependencies point inward: a store or the buffer never ships ASP.NET Core, the ASP.NET Core
/// package never ships a store, the buffer never ships the PostgreSQL driver, and the core ships
/// no dependency-injection packages (docs/architecture.md, "Packages").
/// </summary>
public sealed class PackageGraphTests
{
    private static readonly ProjectGraph s_graph = ProjectGraph.OfRepository();

    public static TheoryData<string> StoresAndBuffer => ["DecisionLedger.Sqlite", "DecisionLedger.PostgreSql", "DecisionLedger.Redis", "DecisionLedger.Hosting", "DecisionLedger"];

    [Theory]
    [MemberData(nameof(StoresAndBuffer))]
    public void StoreOrBuffer_DoesNotReachAspNetCore(string project)
    {
        Assert.DoesNotContain("DecisionLedger.AspNetCore", s_graph.ProjectsReachedFrom(project));
        Assert.DoesNotContain("DecisionLedger.Server", s_graph.ProjectsReachedFrom(project));
        Assert.DoesNotContain(s_graph.PackagesReachedFrom(project), p => p.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void AspNetCore_DoesNotReachAStore()
    {
        IReadOnlySet<string> reached = s_graph.ProjectsReachedFrom("DecisionLedger.AspNetCore");

        Assert.DoesNotContain("DecisionLedger.Sqlite", reached);
        Assert.DoesNotContain("DecisionLedger.PostgreSql", reached);
        Assert.DoesNotContain("Microsoft.Data.Sqlite", s_graph.PackagesReachedFrom("DecisionLedger.AspNetCore"));
        Assert.DoesNotContain("Npgsql", s_graph.PackagesReachedFrom("DecisionLedger.AspNetCore"));
    }

    [Fact]
    public void Redis_DoesNotReachNpgsqlOrAStore()
    {
        Assert.DoesNotContain("Npgsql", s_graph.PackagesReachedFrom("DecisionLedger.Redis"));
        Assert.DoesNotContain("DecisionLedger.PostgreSql", s_graph.ProjectsReachedFrom("DecisionLedger.Redis"));
        Assert.DoesNotContain("DecisionLedger.Sqlite", s_graph.ProjectsReachedFrom("DecisionLedger.Redis"));
    }

    [Fact]
    public void Stores_DoNotReachEachOther()
    {
        Assert.DoesNotContain("DecisionLedger.Sqlite", s_graph.ProjectsReachedFrom("DecisionLedger.PostgreSql"));
        Assert.DoesNotContain("DecisionLedger.PostgreSql", s_graph.ProjectsReachedFrom("DecisionLedger.Sqlite"));
    }

    [Fact]
    public void Core_DeclaresNoDependencyInjectionOrOptionsPackage()
    {
        IEnumerable<string> packages = s_graph.DirectPackages("DecisionLedger");

        Assert.DoesNotContain("Microsoft.Extensions.DependencyInjection.Abstractions", packages);
        Assert.DoesNotContain("Microsoft.Extensions.Options", packages);
        Assert.Empty(s_graph.ProjectsReachedFrom("DecisionLedger"));
    }

    [Fact]
    public void Graph_FollowsProjectReferencesTransitively()
    {
        // Guards the walk itself, so the negative assertions above cannot pass on an empty graph.
        Assert.Contains("DecisionLedger.Hosting", s_graph.ProjectsReachedFrom("DecisionLedger.Redis"));
        Assert.Contains("DecisionLedger", s_graph.ProjectsReachedFrom("DecisionLedger.Redis"));
        Assert.Contains("Microsoft.AspNetCore.App", s_graph.PackagesReachedFrom("DecisionLedger.Server"));
        Assert.Contains("Npgsql", s_graph.PackagesReachedFrom("DecisionLedger.Cli"));
    }
}
