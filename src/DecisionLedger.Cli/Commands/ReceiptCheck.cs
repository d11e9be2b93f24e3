using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using DecisionLedger.Checkpoints;
using DecisionLedger.Cli.Output;
using DecisionLedger.Witnessing;
using DecisionLedger.Witnessing.Receipts;

namespace DecisionLedger.Cli.Commands;

/// <summary>
/// <c>verify --receipt FILE --key VKEY [--witness-policy FILE] [--tsa-roots PEMFILE]</c>: checks every
/// receipt of the file (one JSON object per line) offline: its inclusion proof against the signed
/// checkpoint; with a policy, a quorum of cosignatures over exactly the checkpoint the entry is proven
/// in; with TSA roots, every time-stamp token over it. Exit 1 when any receipt fails.
/// </summary>
internal static class ReceiptCheck
{
    public static async Task<int> RunAsync(CommandContext context, bool json, string file, string key, WitnessPolicy? policy, X509Certificate2Collection? roots, CancellationToken cancellationToken)
    {
        NoteVerifier logKey;
        try
        {
            logKey = NoteVerifier.Parse(key);
        }
        catch (FormatException e)
        {
            throw new CliException(ExitCodes.BadInput, $"--key: not a verifier key string ({e.Message}); pass the output of 'dledger key' (name+keyid+base64key) or a file holding it.", e);
        }

        string full = Path.GetFullPath(file);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(full, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"--receipt: {full} cannot be read ({e.Message}); pass a file of receipts, one JSON object per line, as 'record --proofs' or 'proof upgrade' print them.", e);
        }

        var results = new List<(long Line, ProofReceipt? Receipt, ReceiptVerification Result)>();
        long number = 0;
        foreach (string line in text.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                ProofReceipt receipt = ProofReceipt.Parse(line);
                results.Add((number, receipt, ReceiptVerifier.Verify(receipt, logKey, policy, roots)));
            }
            catch (FormatException e)
            {
                // A receipt that does not parse proves nothing: a failed receipt, named by its line.
                results.Add((number, null, new ReceiptVerification(null, null, policy?.QuorumDescription, [], [e.Message])));
            }
        }

        if (results.Count == 0)
        {
            throw new CliException(ExitCodes.BadInput, $"--receipt: {full} holds no receipt; pass a file of receipts, one JSON object per line.");
        }

        bool passed = results.All(r => r.Result.Passed);
        if (json)
        {
            await JsonOutput.WriteAsync(context.Environment.Out, w => WriteJson(w, full, passed, results), cancellationToken);
        }
        else
        {
            foreach ((long line, ProofReceipt? receipt, ReceiptVerification result) in results)
            {
                await WriteTextAsync(context.Environment.Out, full, line, receipt, result);
            }
        }

        return passed ? ExitCodes.Ok : ExitCodes.VerificationFailed;
    }

    private static async Task WriteTextAsync(TextWriter output, string file, long line, ProofReceipt? receipt, ReceiptVerification result)
    {
        string what = receipt is null ? string.Empty : $": seq {receipt.Seq} ({receipt.RequestId})";
        string where = result.Passed && result.ProvenSize is { } size ? string.Create(CultureInfo.InvariantCulture, $" in the signed tree of size {size}") : string.Empty;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{(result.Passed ? "PASSED" : "FAILED")}  {file} line {line}{what}{where}"));
        await AttestationResultWriter.WriteTextAsync(output, result.Cosigned, result.QuorumDescription, result.Timestamps, result.Problems);
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter w, string file, bool passed, List<(long Line, ProofReceipt? Receipt, ReceiptVerification Result)> results)
    {
        w.WriteStartObject();
        w.WriteString("verified", file);
        w.WriteBoolean("passed", passed);
        w.WriteStartArray("receipts");
        foreach ((long line, ProofReceipt? receipt, ReceiptVerification result) in results)
        {
            w.WriteStartObject();
            w.WriteNumber("line", line);
            if (receipt is not null)
            {
                w.WriteNumber("seq", receipt.Seq);
                w.WriteString("requestId", receipt.RequestId);
            }

            w.WriteBoolean("passed", result.Passed);
            if (result.ProvenSize is { } size)
            {
                w.WriteNumber("treeSize", size);
            }

            AttestationResultWriter.WriteJsonMembers(w, result.Cosigned, result.QuorumDescription, result.Timestamps, result.Problems, tokenDetails: false);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
