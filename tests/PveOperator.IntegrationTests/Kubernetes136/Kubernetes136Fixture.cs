using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using PveOperator.IntegrationTests.Infrastructure;

namespace PveOperator.IntegrationTests.Kubernetes136;

/// <summary>
/// apiextensions-apiserver 1.36 on etcd 3.5 (hack/install-crd-tier.sh builds them) in a temp directory, with the
/// shipped CRDs (config/crds, CEL rules included) installed. It serves CRDs and custom objects only: no core API, no
/// kubectl. Clients authenticate with a certificate in system:masters, the group the server always authorises. When
/// the tier is unavailable it starts nothing (the tests are skipped with the reason).
/// </summary>
public sealed class Kubernetes136Fixture : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    private readonly List<Process> processes = [];
    private string? directory;
    private Kubernetes? client;

    public Kubernetes Client => client ?? throw new InvalidOperationException(CrdTier.SkipReason ?? "The 1.36 server is not started.");

    public async Task InitializeAsync()
    {
        if (CrdTier.SkipReason is not null)
        {
            return;
        }

        directory = Directory.CreateTempSubdirectory("pve-operator-k8s136-").FullName;
        var kubeconfig = WriteCertificatesAndKubeconfigs(directory, out var securePort);
        var etcdPort = FreePort();
        var peerPort = FreePort();
        Start("etcd", CrdTier.Etcd,
            "--data-dir", Path.Combine(directory, "etcd"), "--unsafe-no-fsync",
            "--listen-client-urls", $"http://127.0.0.1:{etcdPort}", "--advertise-client-urls", $"http://127.0.0.1:{etcdPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", $"default=http://127.0.0.1:{peerPort}");
        var nowhere = Path.Combine(directory, "nowhere.kubeconfig");
        Start("apiextensions-apiserver", CrdTier.Apiserver,
            $"--etcd-servers=http://127.0.0.1:{etcdPort}", $"--secure-port={securePort}", "--bind-address=127.0.0.1",
            $"--tls-cert-file={Path.Combine(directory, "serving.crt")}", $"--tls-private-key-file={Path.Combine(directory, "serving.key")}",
            $"--client-ca-file={Path.Combine(directory, "ca.crt")}", "--authentication-skip-lookup",
            $"--authentication-kubeconfig={nowhere}", $"--authorization-kubeconfig={nowhere}", $"--kubeconfig={nowhere}",
            "--disable-admission-plugins=NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,MutatingAdmissionPolicy,ValidatingAdmissionPolicy");

        client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        await WaitUntilReadyAsync();
        foreach (var file in OperatorCrdFiles.Shipped())
        {
            await TestCrds.ApplyAsync(client, await File.ReadAllTextAsync(file));
        }
    }

    public Task DisposeAsync()
    {
        client?.Dispose();
        // Stopped in reverse order (the server before its etcd), each by its own process handle.
        foreach (var process in Enumerable.Reverse(processes))
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // It has exited meanwhile.
            }

            process.Dispose();
        }

        if (directory is not null && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>The server's log, for failure messages.</summary>
    public string ServerLogTail() => directory is null ? "" : Tail(Path.Combine(directory, "apiextensions-apiserver.log"));

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"{exited.StartInfo.FileName} exited with {exited.ExitCode}:\n{ServerLogTail()}");
            }

            try
            {
                await Client.ApiextensionsV1.ListCustomResourceDefinitionAsync();
                return;
            }
            catch (Exception error) when (error is HttpRequestException or k8s.Autorest.HttpOperationException or TaskCanceledException)
            {
                last = error;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"apiextensions-apiserver was not ready in {ReadyTimeout}: {last?.Message}\n{ServerLogTail()}");
    }

    private void Start(string name, string binary, params string[] arguments)
    {
        // exec keeps the pid the binary's own, so that it is stopped by its handle.
        var log = Path.Combine(directory!, name + ".log");
        var command = new StringBuilder("exec ").Append(Quote(binary));
        foreach (var argument in arguments)
        {
            command.Append(' ').Append(Quote(argument));
        }

        command.Append(" >").Append(Quote(log)).Append(" 2>&1");
        var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command.ToString() }, UseShellExecute = false };
        processes.Add(Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start"));
    }

    /// <summary>A CA, the server's certificate for 127.0.0.1, an admin client certificate and the kubeconfigs.</summary>
    private static string WriteCertificatesAndKubeconfigs(string directory, out int securePort)
    {
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = DateTimeOffset.UtcNow.AddDays(2);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=pve-operator-tests-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var servingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var servingRequest = new CertificateRequest("CN=127.0.0.1", servingKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        servingRequest.CertificateExtensions.Add(names.Build());
        servingRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serving = servingRequest.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=pve-operator-tests, O=system:masters", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var clientCertificate = clientRequest.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(Path.Combine(directory, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "serving.crt"), serving.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "serving.key"), servingKey.ExportPkcs8PrivateKeyPem());

        // The server's delegated authentication/authorisation must not look for a core API server: point it nowhere.
        File.WriteAllText(Path.Combine(directory, "nowhere.kubeconfig"), Kubeconfig("https://127.0.0.1:1", null, null, null));

        securePort = FreePort();
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, Kubeconfig($"https://127.0.0.1:{securePort}",
            ca.ExportCertificatePem(), clientCertificate.ExportCertificatePem(), clientKey.ExportPkcs8PrivateKeyPem()));
        return path;
    }

    private static string Kubeconfig(string server, string? caPem, string? certificatePem, string? keyPem)
    {
        static string Base64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
        var cluster = caPem is null ? "    insecure-skip-tls-verify: true" : $"    certificate-authority-data: {Base64(caPem)}";
        var user = certificatePem is null ? "  user: {}" : $"  user:\n    client-certificate-data: {Base64(certificatePem)}\n    client-key-data: {Base64(keyPem!)}";
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: k8s136
              cluster:
                server: {server}
            {cluster}
            users:
            - name: admin
            {user}
            contexts:
            - name: k8s136
              context:
                cluster: k8s136
                user: admin
            current-context: k8s136

            """;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Tail(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n');
        return string.Join('\n', lines.TakeLast(30));
    }
}
