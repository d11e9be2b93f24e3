using System.Text.RegularExpressions;

namespace DecisionLedger.Tests.Docs;

/// <summary>
/// A clone explains itself: no reader-facing page sends its reader to a file the repository does
/// not hold (the design notes kept beside the original checkout), and every relative link, with
/// its #anchor, lands on a file and a heading that exist.
/// </summary>
public sealed partial class SelfContainedDocsTests
{
    private static readonly string[] s_outsideReferences = ["DESIGN.md", "shared/", "beside this repository"];

    public static TheoryData<string> MarkdownFiles => [.. RepositoryDocs.Files()];

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Page_CitesNothingOutsideTheRepository(string page)
    {
        string[] lines = RepositoryDocs.Read(page).Split('\n');

        var offending = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            foreach (string reference in s_outsideReferences.Where(r => lines[i].Contains(r, StringComparison.OrdinalIgnoreCase)))
            {
                offending.Add($"{page}:{i + 1}: cites '{reference}'; point the reader to docs/architecture.md or docs/format.md instead");
            }
        }

        Assert.True(offending.Count == 0, string.Join('\n', offending));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Page_RelativeLinksLandOnAFileAndHeading(string page)
    {
        string text = RepositoryDocs.Read(page);
        string folder = Path.GetDirectoryName(Path.Combine(RepositoryDocs.Root, page))!;

        var broken = new List<string>();
        foreach (Match link in LinkPattern().Matches(WithoutFencedCode(text)))
        {
            string target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            string[] parts = target.Split('#', 2);
            string file = parts[0].Length == 0 ? Path.Combine(RepositoryDocs.Root, page) : Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(parts[0])));
            if (!File.Exists(file) && !Directory.Exists(file))
            {
                broken.Add($"{page}: ({target}): no file {Path.GetRelativePath(RepositoryDocs.Root, file)}");
                continue;
            }

            if (parts.Length == 2 && file.EndsWith(".md", StringComparison.Ordinal) && !RepositoryDocs.Anchors(File.ReadAllText(file)).Contains(parts[1]))
            {
                broken.Add($"{page}: ({target}): no heading with anchor #{parts[1]} in {Path.GetRelativePath(RepositoryDocs.Root, file)}");
            }
        }

        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Theory]
    [InlineData("## The collector: `dledger serve` for services in any language", "the-collector-dledger-serve-for-services-in-any-language")]
    [InlineData("## Options (`LedgerOptions`)", "options-ledgeroptions")]
    [InlineData("## 0. The decision a caller sends", "0-the-decision-a-caller-sends")]
    public void Slug_MatchesGitHub(string heading, string expected) =>
        Assert.Contains(expected, RepositoryDocs.Anchors(heading));

    private static string WithoutFencedCode(string markdown) => FencePattern().Replace(markdown, string.Empty);

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^[ \t]*```.*?^[ \t]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencePattern();
}
