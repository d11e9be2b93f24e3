using System.Text;
using System.Text.RegularExpressions;

namespace DecisionLedger.Tests.Docs;

/// <summary>
/// The Markdown a reader of a clone sees: README.md, docs/*.md and the READMEs under samples/
/// and src/, with the headings' anchors as GitHub renders them.
/// </summary>
internal static partial class RepositoryDocs
{
    /// <summary>The repository root: the directory above the running tests that holds DecisionLedger.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every reader-facing Markdown file, as paths relative to <see cref="Root"/> with '/' separators.</summary>
    public static IEnumerable<string> Files()
    {
        yield return "README.md";
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories))
        {
            yield return Relative(file);
        }

        foreach (string folder in new[] { "samples", "src" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(Root, folder), "README.md", SearchOption.AllDirectories))
            {
                if (!file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                {
                    yield return Relative(file);
                }
            }
        }
    }

    /// <summary>The text of <paramref name="relativePath"/>.</summary>
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    /// <summary>The anchors GitHub gives the headings of a Markdown text (fenced code skipped; repeats get -1, -2 …).</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        bool inFence = false;
        foreach (string line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            Match heading = HeadingPattern().Match(line);
            if (inFence || !heading.Success)
            {
                continue;
            }

            string slug = Slug(heading.Groups[1].Value);
            int count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    /// <summary>GitHub's heading slug: lower case, punctuation dropped, spaces to hyphens.</summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (char c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DecisionLedger.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No DecisionLedger.slnx above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*#*\s*$")]
    private static partial Regex HeadingPattern();
}
