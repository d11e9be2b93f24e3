namespace DecisionLedger.Tests.Testing;

/// <summary>Keeps docs/testing.md honest: its example is these test files, verbatim after their namespace line (the doc shows its own using lines).</summary>
public sealed class TestingDocExampleTests
{
    [Theory]
    [InlineData("FraudScorer.cs")]
    [InlineData("FraudScorerTests.cs")]
    public async Task Doc_ShowsTheExampleThatCompilesHere(string file)
    {
        string root = RepositoryRoot();
        string code = await File.ReadAllTextAsync(Path.Combine(root, "tests", "DecisionLedger.Tests", "Testing", file));
        string doc = await File.ReadAllTextAsync(Path.Combine(root, "docs", "testing.md"));

        // The namespace line is ours, not the reader's; everything after it must be in the doc.
        string body = code[(code.IndexOf("namespace DecisionLedger.Tests.Testing;", StringComparison.Ordinal) + "namespace DecisionLedger.Tests.Testing;".Length)..].Trim();

        Assert.True(Normalize(doc).Contains(Normalize(body), StringComparison.Ordinal), $"docs/testing.md no longer shows tests/DecisionLedger.Tests/Testing/{file} verbatim; paste it (without its namespace line).");
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n");

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DecisionLedger.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("DecisionLedger.slnx not found above " + AppContext.BaseDirectory);
    }
}
