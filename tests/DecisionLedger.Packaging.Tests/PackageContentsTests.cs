using System.IO.Compression;
using System.Xml.Linq;

namespace DecisionLedger.Packaging.Tests;

/// <summary>What a team sees on every package before installing it: README, licence, repository, docs, symbols, one version.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageContentsTests(PackageFeedFixture feed)
{
    [Fact]
    public void Pack_ProducesOnePackageAndOneSymbolPackage_ForEveryProjectUnderSrc()
    {
        Assert.True(feed.Pack.Succeeded, feed.Pack.ToString());
        Assert.NotEmpty(RepositoryLayout.PackableProjects);
        foreach (PackableProject project in RepositoryLayout.PackableProjects)
        {
            Assert.True(File.Exists(PackagePath(project, "nupkg")),
                $"{project.ProjectName}: no {project.PackageId}.{RepositoryLayout.Version}.nupkg in the feed; it holds {Listing()}");
            // The tool's pointer package holds no code; its RID packages carry the symbols.
            string symbols = project.IsTool
                ? Path.Combine(feed.Feed, $"{project.PackageId}.{PackageFeedFixture.MachineRuntimeIdentifier}.{RepositoryLayout.Version}.snupkg")
                : PackagePath(project, "snupkg");
            Assert.True(File.Exists(symbols),
                $"{project.ProjectName}: no symbol package {Path.GetFileName(symbols)} in the feed; it holds {Listing()}");
        }
    }

    [Fact]
    public void EveryPackage_HasReadmeLicenceRepositoryAndTheOneVersion()
    {
        Assert.True(feed.Pack.Succeeded, feed.Pack.ToString());
        foreach (PackableProject project in RepositoryLayout.PackableProjects)
        {
            using ZipArchive package = ZipFile.OpenRead(PackagePath(project, "nupkg"));
            XElement metadata = Nuspec(package).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value.Trim() ?? "";

            Assert.Equal(project.PackageId, Field("id"));
            Assert.Equal(RepositoryLayout.Version, Field("version"));
            Assert.False(string.IsNullOrWhiteSpace(Field("description")), $"{project.PackageId}: no description");

            XElement licence = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal("expression", licence.Attribute("type")?.Value);
            Assert.Equal("MIT", licence.Value.Trim());

            Assert.Equal("README.md", Field("readme"));
            ZipArchiveEntry? readme = package.GetEntry("README.md");
            Assert.True(readme is not null, $"{project.PackageId}: README.md is named in the nuspec but not in the package");
            using (var reader = new StreamReader(readme.Open()))
            {
                string text = reader.ReadToEnd();
                Assert.Contains(project.PackageId, text, StringComparison.Ordinal);
            }

            // The URL comes from the git remote when there is one; the type and the commit always.
            XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("git", repository.Attribute("type")?.Value);
            Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
        }
    }

    [Fact]
    public void EveryLibraryPackage_CarriesItsXmlDocs_AndTheToolPackageItsCommand()
    {
        Assert.True(feed.Pack.Succeeded, feed.Pack.ToString());
        foreach (PackableProject project in RepositoryLayout.PackableProjects)
        {
            using ZipArchive package = ZipFile.OpenRead(PackagePath(project, "nupkg"));
            string[] entries = package.Entries.Select(e => e.FullName).ToArray();
            if (project.IsTool)
            {
                ZipArchiveEntry settings = Assert.Single(package.Entries, e => e.Name == "DotnetToolSettings.xml");
                using Stream stream = settings.Open();
                XElement command = XDocument.Load(stream).Descendants("Command").Single();
                Assert.Equal("dledger", command.Attribute("Name")?.Value);

                // The pointer package holds no code: it names the RID packages and the `any` fallback.
                using Stream again = settings.Open();
                string[] rids = XDocument.Load(again).Descendants("RuntimeIdentifierPackage")
                    .Select(p => p.Attribute("RuntimeIdentifier")?.Value ?? "").ToArray();
                Assert.Contains(PackageFeedFixture.MachineRuntimeIdentifier, rids);
                Assert.Contains("any", rids);
                Assert.DoesNotContain(entries, e => e.EndsWith("/dledger.dll", StringComparison.Ordinal));
                continue;
            }

            Assert.Contains($"lib/net10.0/{project.ProjectName}.dll", entries);
            Assert.Contains($"lib/net10.0/{project.ProjectName}.xml", entries);
            using ZipArchive symbols = ZipFile.OpenRead(PackagePath(project, "snupkg"));
            Assert.Contains($"lib/net10.0/{project.ProjectName}.pdb", symbols.Entries.Select(e => e.FullName));
        }
    }

    private string PackagePath(PackableProject project, string extension) =>
        Path.Combine(feed.Feed, $"{project.PackageId}.{RepositoryLayout.Version}.{extension}");

    private string Listing() => string.Join(", ", Directory.GetFiles(feed.Feed).Select(Path.GetFileName));

    private static XDocument Nuspec(ZipArchive package)
    {
        ZipArchiveEntry entry = Assert.Single(package.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using Stream stream = entry.Open();
        return XDocument.Load(stream);
    }
}
