using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DecisionLedger.Bundles;
using DecisionLedger.Cli.Output;
using DecisionLedger.Timestamping;
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
    public static async Task WriteTextAsync(TextWriter output, BundleAttestationReport report)
    {
        if (report.Witnessed is { } witnessed)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  cosigned: {Plural.Of(witnessed.Cosignatures.Count, "valid cosignature")} ({string.Join(", ", witnessed.Cosignatures.Select(c => c.Witness.Name))}); the policy requires {report.QuorumDescription}: met"));
        }

        foreach ((string authority, TimestampVerification stamp) in report.Timestamps)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  time-stamped: {stamp.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z by '{authority}' ({stamp.Signer}, policy {stamp.Policy}, serial {stamp.SerialNumber})"));
        }

        foreach (string problem in report.Problems)
        {
            await output.WriteLineAsync($"  {problem}");
        }
    }

    /// <summary>Writes the <c>attestations</c> member of the JSON report.</summary>
    public static void WriteJson(System.Text.Json.Utf8JsonWriter w, BundleAttestationReport report)
    {
        w.WriteStartObject("attestations");
        w.WriteBoolean("passed", report.Passed);
        if (report.QuorumDescription is { } quorum)
        {
            w.WriteString("quorum", quorum);
            w.WriteStartArray("cosigners");
            foreach (Cosignature cosignature in report.Witnessed?.Cosignatures ?? [])
            {
                w.WriteStringValue(cosignature.Witness.Name);
            }

            w.WriteEndArray();
        }

        w.WriteStartArray("timestamps");
        foreach ((string authority, TimestampVerification stamp) in report.Timestamps)
        {
            w.WriteStartObject();
            w.WriteString("tsa", authority);
            w.WriteString("time", stamp.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("signer", stamp.Signer);
            w.WriteString("policy", stamp.Policy);
            w.WriteString("serialNumber", stamp.SerialNumber);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("problems");
        foreach (string problem in report.Problems)
        {
            w.WriteStringValue(problem);
        }

        w.WriteEndArray();
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
