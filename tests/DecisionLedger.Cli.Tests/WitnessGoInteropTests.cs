using System.Diagnostics;
using DecisionLedger.Randomness;
using DecisionLedger.Witnessing;

namespace DecisionLedger.Cli.Tests;

/// <summary>
/// Go's <c>golang.org/x/mod/sumdb/note</c> (Debian golang-golang-x-mod-dev, offline GOPATH) opens a
/// cosigned checkpoint of a real ledger: its own Ed25519 verifier for the log key, and for the
/// witness a <c>note.Verifier</c> written from c2sp.org/tlog-cosignature over Go's crypto/ed25519,
/// because <c>note.NewVerifier</c> knows only signature type 0x01.
/// </summary>
public sealed class WitnessGoInteropTests
{
    private const string GoVerifier = """
// Verifies a cosigned checkpoint with golang.org/x/mod/sumdb/note: the log key through
// note.NewVerifier, the witness key through a note.Verifier written from c2sp.org/tlog-cosignature.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

type cosigV1 struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v *cosigV1) Name() string    { return v.name }
func (v *cosigV1) KeyHash() uint32 { return v.hash }
func (v *cosigV1) Verify(msg, sig []byte) bool {
	if len(sig) != 72 {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	m := "cosignature/v1\ntime " + strconv.FormatUint(t, 10) + "\n" + string(msg)
	return ed25519.Verify(v.key, []byte(m), sig[8:])
}

func parseCosigVkey(vkey string) *cosigV1 {
	parts := strings.SplitN(vkey, "+", 3)
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 0x04 {
		fmt.Fprintln(os.Stderr, "bad witness vkey")
		os.Exit(2)
	}
	h := sha256.Sum256(append([]byte(parts[0]+"\n"), raw...))
	id := binary.BigEndian.Uint32(h[:4])
	if fmt.Sprintf("%08x", id) != parts[1] {
		fmt.Fprintln(os.Stderr, "witness key id mismatch")
		os.Exit(2)
	}
	return &cosigV1{name: parts[0], hash: id, key: ed25519.PublicKey(raw[1:])}
}

func main() {
	// usage: cosigcheck NOTEFILE LOGVKEY WITNESSVKEY...
	msg, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	logV, err := note.NewVerifier(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "log vkey:", err)
		os.Exit(2)
	}
	verifiers := []note.Verifier{logV}
	for _, w := range os.Args[3:] {
		if _, err := note.NewVerifier(w); err == nil {
			fmt.Fprintln(os.Stderr, "unexpected: note.NewVerifier accepted a type 0x04 key")
		} else {
			fmt.Println("note.NewVerifier(witness vkey):", err)
		}
		verifiers = append(verifiers, parseCosigVkey(w))
	}
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	if err != nil {
		fmt.Fprintln(os.Stderr, "note.Open:", err)
		os.Exit(1)
	}
	for _, s := range n.Sigs {
		fmt.Printf("verified %s %08x\n", s.Name, s.Hash)
	}
}
""";

    [Fact]
    public async Task GoSumdbNote_OpensOurCosignature_AndRefusesItOverAnotherCheckpoint()
    {
        using var temp = new TempLedger();
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--count", "9", "--ledger", temp.Ledger)).ExitCode);
        string note = (await CliRun.RunAsync("checkpoint", "--ledger", temp.Ledger)).Out;
        string logKey = (await CliRun.RunAsync("key", "--ledger", temp.Ledger)).Out.Trim();
        WitnessSigner witness = WitnessSigner.Generate("witness.example/w1", new SeededRandomSource(4));
        string cosigned = note + witness.Cosign(note[..(note.LastIndexOf("\n\n", StringComparison.Ordinal) + 1)], DateTimeOffset.FromUnixTimeSeconds(1_780_000_000));
        string source = Path.Combine(temp.Root, "go", "src", "cosigcheck");
        Directory.CreateDirectory(source);
        await File.WriteAllTextAsync(Path.Combine(source, "main.go"), GoVerifier);
        await File.WriteAllTextAsync(Path.Combine(temp.Root, "cosigned"), cosigned);
        string otherBody = note[..(note.LastIndexOf("\n\n", StringComparison.Ordinal) + 1)].Replace("\n9\n", "\n8\n", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(temp.Root, "moved"), note + witness.Cosign(otherBody, DateTimeOffset.FromUnixTimeSeconds(1_780_000_000)));

        (int code, string output) = await GoRunAsync(temp.Root, Path.Combine(temp.Root, "cosigned"), logKey, witness.VerifierKey);
        (int movedCode, string movedOutput) = await GoRunAsync(temp.Root, Path.Combine(temp.Root, "moved"), logKey, witness.VerifierKey);

        Assert.True(code == 0, output);
        Assert.Contains("note.NewVerifier(witness vkey): unknown verifier algorithm", output, StringComparison.Ordinal);
        Assert.Contains($"verified witness.example/w1 {witness.VerifierKey.Split('+')[1]}", output, StringComparison.Ordinal);
        Assert.True(movedCode == 1, movedOutput);
        Assert.Contains("invalid signature for key witness.example/w1", movedOutput, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> GoRunAsync(string root, params string[] arguments)
    {
        var start = new ProcessStartInfo("go") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
        start.ArgumentList.Add("run");
        start.ArgumentList.Add(Path.Combine(root, "go", "src", "cosigcheck", "main.go"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline: the module mechanics come from Debian's golang-golang-x-mod-dev, installed by .ci/services.sh.
        start.Environment["GOPATH"] = Path.Combine(root, "go") + ":/usr/share/gocode";
        start.Environment["GO111MODULE"] = "off";
        start.Environment["GOFLAGS"] = string.Empty;
        start.Environment["GOCACHE"] = Path.Combine(root, "go", "cache");
        Process go;
        try
        {
            go = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("This test needs Go and golang.org/x/mod (Debian: golang-go golang-golang-x-mod-dev, see .ci/services.sh).", e);
        }

        using (go)
        {
            Task<string> stdout = go.StandardOutput.ReadToEndAsync();
            Task<string> stderr = go.StandardError.ReadToEndAsync();
            await go.WaitForExitAsync();
            return (go.ExitCode, await stdout + await stderr);
        }
    }
}
