using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Exceptions;
using PveOperator.Hosting;

namespace PveOperator.Tests.Hosting;

/// <summary>The reflection-free kubeconfig reader of the NativeAOT build gives what KubernetesClient's loader gives.</summary>
public sealed class KubeconfigLoaderTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("kubeconfig-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public void Token_and_ca_data_as_hack_control_plane_writes_them()
    {
        var path = Write("kubeconfig", $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(CaPem()))}
            users:
            - name: admin
              user:
                token: s3cret
            contexts:
            - name: local
              context:
                cluster: local
                user: admin
                namespace: team-a
            current-context: local
            """);

        var expected = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        var actual = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigLoader.Read(path));

        Assert.Equal(expected.Host, actual.Host);
        Assert.Equal("s3cret", actual.AccessToken);
        Assert.Equal(expected.AccessToken, actual.AccessToken);
        Assert.Equal("team-a", actual.Namespace);
        Assert.Equal(expected.Namespace, actual.Namespace);
        Assert.False(actual.SkipTlsVerify);
        Assert.Equal(expected.SslCaCerts!.Single().Thumbprint, actual.SslCaCerts!.Single().Thumbprint);
    }

    [Fact]
    public void Relative_files_are_read_next_to_the_kubeconfig_and_the_current_context_picks_the_entries()
    {
        Write("ca.crt", CaPem());
        Write("token", "from-file\n");
        var path = Write("kubeconfig", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: other
              cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true}
            - name: mine
              cluster:
                server: https://127.0.0.1:7443
                certificate-authority: ca.crt
            users:
            - name: op
              user: {tokenFile: token}
            contexts:
            - name: a
              context: {cluster: other, user: op}
            - name: b
              context: {cluster: mine, user: op}
            current-context: b
            """);

        var actual = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigLoader.Read(path));

        Assert.Equal("https://127.0.0.1:7443/", new Uri(actual.Host).ToString());
        Assert.Equal("from-file", actual.AccessToken);
        Assert.Single(actual.SslCaCerts!);
        Assert.False(actual.SkipTlsVerify);
    }

    [Fact]
    public void Exec_plugins_are_refused_with_a_clear_message()
    {
        var path = Write("kubeconfig", """
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:6443"}
            users:
            - name: u
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}
            contexts:
            - name: x
              context: {cluster: c, user: u}
            current-context: x
            """);

        var error = Assert.Throws<KubeConfigException>(() => KubeconfigLoader.Read(path));
        Assert.Contains("exec", error.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(directory.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string CaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }
}
