using System.Text.RegularExpressions;

namespace DecisionLedger.Cli.Import;

/// <summary>Table and column names from the command line: plain identifiers only, quoted, never spliced raw into SQL.</summary>
internal static partial class SqlIdentifier
{
    /// <summary>Returns <paramref name="name"/> when it is an identifier (letters, digits, <c>_</c>, not starting with a digit).</summary>
    /// <exception cref="CliException">It is not (exit 2); <paramref name="option"/> names where it came from.</exception>
    public static string Require(string name, string option) =>
        Identifier().IsMatch(name)
            ? name
            : throw new CliException(ExitCodes.BadInput, $"{option}: '{name}' is not a plain SQL identifier (letters, digits and _, not starting with a digit).");

    /// <summary>Quotes an identifier already checked by <see cref="Require"/>.</summary>
    public static string Quote(string name) => "\"" + name + "\"";

    /// <summary>Checks and quotes <c>table</c> or <c>schema.table</c>.</summary>
    /// <exception cref="CliException">A part is not an identifier (exit 2).</exception>
    public static string QuoteTable(string table) => string.Join('.', table.Split('.').Select(part => Quote(Require(part, "--table"))));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
