namespace DecisionLedger.Cli.Tests;

/// <summary>
/// One 40-entry demo ledger (fraud_detector 3.0.0: 14, 3.1.0: 15, 3.2.1: 11 entries) with a full
/// and a filtered (<c>--version 3.2.1</c>) export, shared by a test class; tests that change a
/// bundle work on a copy (<see cref="Copy"/>).
/// </summary>
public sealed class DemoBundles : IAsyncLifetime, IDisposable
{
    private readonly TempLedger _temp = new();

    /// <summary>The ledger directory.</summary>
    public string Ledger => _temp.Ledger;

    /// <summary>The temporary root, for further directories.</summary>
    public string Root => _temp.Root;

    /// <summary>The output of <c>dledger key</c>, without its newline.</summary>
    public string Key { get; private set; } = string.Empty;

    /// <summary>A full export.</summary>
    public string Full => Path.Combine(_temp.Root, "full");

    /// <summary>An export of <c>--version 3.2.1</c>.</summary>
    public string Filtered => Path.Combine(_temp.Root, "filtered");

    /// <summary>Copies <paramref name="bundle"/> into a fresh directory and returns it.</summary>
    public string Copy(string bundle)
    {
        string copy = Path.Combine(_temp.Root, "copy-" + Path.GetRandomFileName());
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(bundle))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Ok("demo", "--count", "40", "--ledger", Ledger);
        Key = (await Ok("key", "--ledger", Ledger)).Out.TrimEnd('\n');
        await Ok("export", "--out", Full, "--ledger", Ledger);
        await Ok("export", "--out", Filtered, "--version", "3.2.1", "--ledger", Ledger);
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => _temp.Dispose();

    private static async Task<CliResult> Ok(params string[] args)
    {
        CliResult result = await CliRun.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
