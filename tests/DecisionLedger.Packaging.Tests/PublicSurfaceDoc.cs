using System.Text.RegularExpressions;

namespace DecisionLedger.Packaging.Tests;

/// <summary>
/// The list in docs/packages.md, "What each package exposes": under a <c>### `Package`</c> heading, a table row
/// <c>| `Namespace.Type` | one-line purpose |</c> per public type. A purpose that contains
/// <see cref="LandingMarker"/> names a type another branch is adding; it may be missing from the assembly until then.
/// </summary>
internal sealed partial class PublicSurfaceDoc
{
    public const string Page = "docs/packages.md";
    public const string Section = "What each package exposes";
    public const string LandingMarker = "(entry v2, landing)";

    private readonly Dictionary<string, List<ListedType>> _byPackage;

    private PublicSurfaceDoc(Dictionary<string, List<ListedType>> byPackage) => _byPackage = byPackage;

    public static PublicSurfaceDoc Read() => Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root, Page)));

    /// <summary>The types listed for <paramref name="package"/>; empty when the page has no heading for it.</summary>
    public IReadOnlyList<ListedType> TypesOf(string package) =>
        _byPackage.TryGetValue(package, out List<ListedType>? types) ? types : [];

    public IEnumerable<string> Packages => _byPackage.Keys;

    internal static PublicSurfaceDoc Parse(string markdown)
    {
        string[] lines = markdown.Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd() == $"## {Section}");
        if (start < 0)
        {
            throw new InvalidOperationException($"{Page}: no section '## {Section}'");
        }

        var byPackage = new Dictionary<string, List<ListedType>>(StringComparer.Ordinal);
        List<ListedType>? current = null;
        for (int i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            string line = lines[i].TrimEnd();
            Match heading = PackageHeading().Match(line);
            if (heading.Success)
            {
                current = [];
                byPackage.Add(heading.Groups["package"].Value, current);
                continue;
            }

            Match row = TypeRow().Match(line);
            if (!row.Success)
            {
                continue;
            }

            if (current is null)
            {
                throw new InvalidOperationException($"{Page}:{i + 1}: type row before any '### `Package`' heading");
            }

            string purpose = row.Groups["purpose"].Value.Trim();
            if (purpose.Length == 0)
            {
                throw new InvalidOperationException($"{Page}:{i + 1}: {row.Groups["type"].Value} has no purpose");
            }

            current.Add(new ListedType(GenericArguments().Replace(row.Groups["type"].Value, ""), purpose.Contains(LandingMarker, StringComparison.Ordinal), i + 1));
        }

        return new PublicSurfaceDoc(byPackage);
    }

    [GeneratedRegex(@"^### `(?<package>[A-Za-z0-9.]+)`$")]
    private static partial Regex PackageHeading();

    [GeneratedRegex(@"^\| `(?<type>[A-Za-z0-9_.<>, ]+)` \|(?<purpose>[^|]*)\|$")]
    private static partial Regex TypeRow();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex GenericArguments();
}

/// <summary>One row of the list: a type's full name, whether it is still landing, and its line on the page.</summary>
internal sealed record ListedType(string Name, bool IsLanding, int Line);
