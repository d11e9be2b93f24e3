using DecisionLedger.Checkpoints;

namespace DecisionLedger.Cli.Witness;

/// <summary>
/// The <c>--logs</c> file of <c>dledger witness serve</c>: the logs this witness cosigns, one
/// <c>log &lt;vkey&gt; [&lt;url&gt;]</c> line each, as in a c2sp.org/tlog-policy file; blank lines and
/// <c>#</c> comments are ignored. The key's name is the log's origin.
/// </summary>
internal static class WitnessLogList
{
    /// <summary>Parses the file text; errors name the file, the line and the problem.</summary>
    public static IReadOnlyList<NoteVerifier> Parse(string text, string path)
    {
        var logs = new List<NoteVerifier>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string[] fields = lines[i].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#'))
            {
                continue;
            }

            if (!string.Equals(fields[0], "log", StringComparison.Ordinal) || fields.Length is < 2 or > 3)
            {
                throw new CliException(ExitCodes.BadInput, $"--logs: {path} line {i + 1}: expected 'log <verifier key> [<url>]' (the ledger's key from 'dledger key'), got '{lines[i].Trim()}'.");
            }

            try
            {
                logs.Add(NoteVerifier.Parse(fields[1]));
            }
            catch (FormatException e)
            {
                throw new CliException(ExitCodes.BadInput, $"--logs: {path} line {i + 1}: the log verifier key is invalid: {e.Message}", e);
            }
        }

        return logs.Count > 0
            ? logs
            : throw new CliException(ExitCodes.BadInput, $"--logs: {path} lists no log; add a line 'log <verifier key>' with the key 'dledger key' prints for the ledger.");
    }
}
