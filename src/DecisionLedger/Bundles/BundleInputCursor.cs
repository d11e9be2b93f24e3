using System.Text;
using System.Text.Json;
using DecisionLedger.Hashing;
using DecisionLedger.Verification;

namespace DecisionLedger.Bundles;

/// <summary>Walks inputs.jsonl alongside the entry lines; both are in ascending seq.</summary>
internal sealed class BundleInputCursor(JsonLinesReader reader)
{
    private (long Seq, byte[] Salt, byte[] Input)? _next;
    private bool _started;
    private long _previous = -1;

    public async ValueTask<TamperFinding?> CheckUpToAsync(long seq, Sha256Hash? inputDigest, EvidenceBundleVerifier.Run run, CancellationToken cancellationToken)
    {
        bool matched = false;
        while (true)
        {
            if (!_started || _next is null)
            {
                _started = true;
                TamperFinding? bad = await AdvanceAsync(cancellationToken).ConfigureAwait(false);
                if (bad is not null)
                {
                    return bad;
                }
            }

            if (_next is not { } row || row.Seq > seq)
            {
                if (inputDigest is not null && !matched)
                {
                    run.Claims?.InputAbsent(seq);
                }

                return null;
            }

            if (row.Seq < seq)
            {
                return new TamperFinding(row.Seq, TamperKind.InputAltered, $"{BundleFiles.Inputs} holds an input for seq {row.Seq}, which has no entry line in the bundle.");
            }

            if (inputDigest is not { } expected)
            {
                return new TamperFinding(seq, TamperKind.InputAltered, $"{BundleFiles.Inputs} holds an input for seq {seq}, but that entry commits to no input.");
            }

            if (!EntryFields.InputMatches(row.Salt, row.Input, expected, out Sha256Hash found))
            {
                return new TamperFinding(seq, TamperKind.InputAltered, $"The input of seq {seq} hashes with its salt to {found.ToHex()}, but the entry's inputDigest is {expected.ToHex()}: the input or its salt was altered.");
            }

            run.InputsVerified++;
            matched = true;
            _next = null;
        }
    }

    public async ValueTask<TamperFinding?> FinishAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            TamperFinding? bad = await AdvanceAsync(cancellationToken).ConfigureAwait(false);
            if (bad is not null)
            {
                return bad;
            }
        }

        return _next is { } row
            ? new TamperFinding(row.Seq, TamperKind.InputAltered, $"{BundleFiles.Inputs} holds an input for seq {row.Seq}, which has no entry line in the bundle.")
            : null;
    }

    private async ValueTask<TamperFinding?> AdvanceAsync(CancellationToken cancellationToken)
    {
        _next = null;
        if (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is not { } line)
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            long seq = root.GetProperty("seq").GetInt64();
            byte[] salt = root.GetProperty("salt").GetBytesFromBase64();
            byte[] input = Encoding.UTF8.GetBytes(root.GetProperty("input").GetRawText());
            if (seq <= _previous)
            {
                return new TamperFinding(seq, TamperKind.InputAltered, $"{BundleFiles.Inputs} lists seq {seq} after seq {_previous}; rows must be in strictly increasing seq.");
            }

            if (salt.Length != InputCommitment.SaltSize)
            {
                // Valid base64 of the wrong length cannot be hashed as a salt: the row was altered, not the verifier's input.
                return new TamperFinding(seq, TamperKind.InputAltered, $"The salt of seq {seq} in {BundleFiles.Inputs} is {salt.Length} bytes; an input salt is {InputCommitment.SaltSize} bytes: the salt was altered.");
            }

            _previous = seq;
            _next = (seq, salt, input);
            return null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return new TamperFinding(_previous + 1, TamperKind.InputAltered, $"The {BundleFiles.Inputs} row after seq {_previous} is not a valid input row: {e.Message}");
        }
    }
}
