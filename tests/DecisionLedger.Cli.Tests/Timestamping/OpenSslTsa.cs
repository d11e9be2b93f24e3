using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DecisionLedger.Cli.Tests.Timestamping;

/// <summary>
/// A real RFC 3161 Time Stamp Authority for tests: OpenSSL's <c>openssl ts -reply</c> behind a small
/// HTTP endpoint, with its own test CA and a TSA certificate carrying the critical timeStamping EKU.
/// <see cref="Mode"/> makes it misbehave: answer 503, answer garbage, or answer with a token over another hash.
/// </summary>
internal sealed class OpenSslTsa : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly string _dir;
    private int _requests;

    public OpenSslTsa(string directory, string name = "test-tsa")
    {
        _dir = directory;
        Directory.CreateDirectory(_dir);
        CreateCertificates(name);
        File.WriteAllText(Path.Combine(_dir, "tsaserial"), "01\n");
        File.WriteAllText(ConfigPath, $$"""
            [ tsa ]
            default_tsa = tsa_config1
            [ tsa_config1 ]
            dir = {{_dir}}
            serial = $dir/tsaserial
            crypto_device = builtin
            signer_cert = $dir/tsa.pem
            certs = $dir/ca.pem
            signer_key = $dir/tsa.key
            signer_digest = sha256
            default_policy = 1.2.3.4.1
            other_policies = 1.2.3.4.5.6
            digests = sha256, sha384, sha512
            accuracy = secs:1
            ordering = yes
            tsa_name = yes
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256
            """);
        int port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/tsr");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>How the authority answers.</summary>
    public enum Behaviour
    {
        Honest,
        Unavailable,
        Garbage,
        OtherHash,
    }

    public Behaviour Mode { get; set; } = Behaviour.Honest;

    public Uri Url { get; }

    /// <summary>The test CA's certificate, PEM: the root a verifier trusts.</summary>
    public string RootPemPath => Path.Combine(_dir, "ca.pem");

    public int Requests => Volatile.Read(ref _requests);

    private string ConfigPath => Path.Combine(_dir, "openssl-tsa.cnf");

    /// <summary>A URL on which nothing listens.</summary>
    public static Uri DeadUrl() => new($"http://127.0.0.1:{FreePort()}/tsr");

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            // Bounded: a listener that does not fault its pending accept on Close must not hang the test run.
            await _serving.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or TimeoutException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            byte[] answer;
            int status = 200;
            switch (Mode)
            {
                case Behaviour.Unavailable:
                    status = 503;
                    answer = "down for maintenance"u8.ToArray();
                    break;
                case Behaviour.Garbage:
                    answer = "<html>this is not a time-stamp response</html>"u8.ToArray();
                    break;
                case Behaviour.OtherHash:
                    answer = await ReplyAsync(await QueryAsync(SHA256.HashData("some other checkpoint"u8)));
                    break;
                default:
                    answer = await ReplyAsync(body.ToArray());
                    break;
            }

            context.Response.StatusCode = status;
            context.Response.ContentType = "application/timestamp-reply";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    private async Task<byte[]> QueryAsync(byte[] sha256)
    {
        string query = Path.Combine(_dir, "other.tsq");
        await OpenSslAsync("ts", "-query", "-digest", Convert.ToHexStringLower(sha256), "-sha256", "-cert", "-out", query);
        return await File.ReadAllBytesAsync(query);
    }

    private async Task<byte[]> ReplyAsync(byte[] query)
    {
        string queryFile = Path.Combine(_dir, "request.tsq");
        string replyFile = Path.Combine(_dir, "reply.tsr");
        await File.WriteAllBytesAsync(queryFile, query);
        await OpenSslAsync("ts", "-reply", "-config", ConfigPath, "-queryfile", queryFile, "-out", replyFile);
        return await File.ReadAllBytesAsync(replyFile);
    }

    private static async Task OpenSslAsync(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {error}");
        }
    }

    private void CreateCertificates(string name)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} Test Root CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));

        using ECDsa tsaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var tsaRequest = new CertificateRequest($"CN={name} TSA", tsaKey, HashAlgorithmName.SHA256);
        tsaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        tsaRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        tsaRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], critical: true));
        tsaRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(tsaRequest.PublicKey, false));
        tsaRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using X509Certificate2 tsa = tsaRequest.Create(ca, now.AddDays(-1), now.AddYears(2), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(Path.Combine(_dir, "ca.pem"), ca.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(_dir, "tsa.pem"), tsa.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(_dir, "tsa.key"), tsaKey.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
