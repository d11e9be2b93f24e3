using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Witness;

/// <summary>Reads and writes the witness's secret key file (one line, mode 0600).</summary>
internal static class WitnessKeyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes a new key file; refuses to overwrite one, since that would lose a witness identity.</summary>
    public static async Task WriteNewAsync(string path, WitnessSigner signer, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            await using var stream = new FileStream(path, options);
            await using var writer = new StreamWriter(stream);
            await writer.WriteLineAsync(signer.SignerKey.AsMemory(), cancellationToken);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new CliException(ExitCodes.BadInput, $"--key: {path} already exists; a witness keeps its key for life (its verifier key is in every policy that trusts it). Print its verifier key with 'dledger witness key --key {path}', or choose another file.");
        }
    }

    /// <summary>Reads a key file, naming the file and the problem when it is missing or malformed.</summary>
    public static async Task<WitnessSigner> ReadAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.BadInput, $"--key: {path} does not exist; create it with 'dledger witness init --name NAME --key {path}'.", e);
        }

        try
        {
            return WitnessSigner.Parse(text.Trim());
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--key: {path} is not a witness key: {e.Message}", e);
        }
    }
}
