using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DecisionLedger.Bundles;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>verify --bundle</c>'s checks of what outsiders attested: <c>--witness-policy FILE</c> (a quorum of
/// witness cosignatures over exactly the bundle's checkpoint) and <c>--tsa-roots PEMFILE</c> (every RFC 3161
/// token over the checkpoint, chaining to one of these roots).
/// </summary>
internal sealed class BundleAttestationOptions
{
    public Option<string?> WitnessPolicy { get; } = new("--witness-policy") { Description = "With --bundle or --receipt: a tlog-policy file naming the witnesses to trust and the quorum; the bundle's (or receipt's) checkpoint must carry that many valid cosignatures.", HelpName = "FILE" };

    public Option<string?> TsaRoots { get; } = new("--tsa-roots") { Description = "With --bundle or --receipt: a PEM file of the RFC 3161 time-stamp authority roots to trust; every token in the bundle (or receipt) must be over its checkpoint and chain to one of them.", HelpName = "PEMFILE" };

    /// <summary>True when either option was given.</summary>
    public bool Any(ParseResult parsed) => parsed.GetValue(WitnessPolicy) is not null || parsed.GetValue(TsaRoots) is not null;

    /// <summary>Reads the policy and the roots; bad files are bad usage (exit 2), never a verification failure.</summary>
    public (WitnessPolicy? Policy, X509Certificate2Collection? Roots) Read(ParseResult parsed)
    {
        WitnessPolicy? policy = null;
        if (parsed.GetValue(WitnessPolicy) is { } policyFile)
        {
            string text = ReadFile("--witness-policy", policyFile, "a tlog-policy file (witness, group and quorum lines)");
            try
            {
                policy = Witnessing.WitnessPolicy.Parse(text);
            }
            catch (FormatException e)
            {
                throw new CliException(ExitCodes.BadInput, $"--witness-policy: {Path.GetFullPath(policyFile)} is not a witness policy: {e.Message}", e);
            }
        }

        X509Certificate2Collection? roots = null;
        if (parsed.GetValue(TsaRoots) is { } rootsFile)
        {
            _ = ReadFile("--tsa-roots", rootsFile, "a PEM file of root certificates");
            roots = [];
            try
            {
                roots.ImportFromPemFile(rootsFile);
            }
            catch (CryptographicException e)
            {
                throw new CliException(ExitCodes.BadInput, $"--tsa-roots: {Path.GetFullPath(rootsFile)} holds a certificate that cannot be read ({e.Message}); pass PEM certificates (-----BEGIN CERTIFICATE-----).", e);
            }

            if (roots.Count == 0)
            {
                throw new CliException(ExitCodes.BadInput, $"--tsa-roots: {Path.GetFullPath(rootsFile)} holds no PEM certificate; pass the time-stamp authorities' root certificates (-----BEGIN CERTIFICATE-----).");
            }
        }

        return (policy, roots);
    }

    /// <summary>Prints the attestation results after the bundle's report, in text mode.</summary>
    public static Task WriteTextAsync(TextWriter output, BundleAttestationReport report) =>
        AttestationResultWriter.WriteTextAsync(output, report.Witnessed, report.QuorumDescription, report.Timestamps, report.Problems);

    /// <summary>Writes the <c>attestations</c> member of the JSON report.</summary>
    public static void WriteJson(System.Text.Json.Utf8JsonWriter w, BundleAttestationReport report)
    {
        w.WriteStartObject("attestations");
        w.WriteBoolean("passed", report.Passed);
        AttestationResultWriter.WriteJsonMembers(w, report.Witnessed, report.QuorumDescription, report.Timestamps, report.Problems, tokenDetails: true);
        w.WriteEndObject();
    }

    private static string ReadFile(string option, string file, string what)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"{option}: {Path.GetFullPath(file)} cannot be read ({e.Message}); pass {what}.", e);
        }
    }
}
