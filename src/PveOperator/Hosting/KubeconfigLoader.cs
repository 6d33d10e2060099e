using System.Runtime.CompilerServices;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.RepresentationModel;

namespace PveOperator.Hosting;

/// <summary>
/// Where the operator's Kubernetes configuration comes from: <c>--kubeconfig</c>, else <c>KUBECONFIG</c>, else
/// <c>~/.kube/config</c>, else the in-cluster service account.
/// </summary>
/// <remarks>
/// The JIT build uses KubernetesClient's loader as it is. KubernetesClient's YAML reader orders properties by their
/// metadata tokens, which a NativeAOT build does not have (its type initializer throws), so without dynamic code a
/// kubeconfig file is read here from the YAML node tree (no reflection) into the library's configuration objects.
/// That reader covers what an operator uses: server, CA (data or file), insecure-skip-tls-verify, tls-server-name,
/// token or token file, client certificate and key (data or file), basic auth and the context's namespace.
/// exec and auth-provider plugins are refused with a clear message.
/// </remarks>
internal static class KubeconfigLoader
{
    public static KubernetesClientConfiguration Load(string? path)
    {
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            return path is not null
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : KubernetesClientConfiguration.BuildDefaultConfig();
        }

        path ??= DefaultPath();
        if (path is null)
        {
            return KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : throw new KubeConfigException("no kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config) and not in a cluster");
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigObject(Read(path));
    }

    private static string? DefaultPath()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG")?
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(File.Exists);
        if (fromEnvironment is not null)
        {
            return fromEnvironment;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var inHome = Path.Combine(home, ".kube", "config");
        return home.Length > 0 && File.Exists(inHome) ? inHome : null;
    }

    internal static K8SConfiguration Read(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"kubeconfig {path} not found", path);
        }

        var yaml = new YamlStream();
        using (var reader = file.OpenText())
        {
            yaml.Load(reader);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new KubeConfigException($"kubeconfig {path} is not a YAML mapping");
        }

        var directory = file.DirectoryName ?? ".";
        string? FilePath(string? value) => value is null ? null : Path.GetFullPath(value, directory);

        return new K8SConfiguration
        {
            ApiVersion = Scalar(root, "apiVersion"),
            Kind = Scalar(root, "kind"),
            CurrentContext = Scalar(root, "current-context"),
            Clusters = [.. Entries(root, "clusters", "cluster").Select(entry => new Cluster
            {
                Name = entry.Name,
                ClusterEndpoint = new ClusterEndpoint
                {
                    Server = Scalar(entry.Body, "server"),
                    CertificateAuthorityData = Scalar(entry.Body, "certificate-authority-data"),
                    CertificateAuthority = FilePath(Scalar(entry.Body, "certificate-authority")),
                    SkipTlsVerify = Scalar(entry.Body, "insecure-skip-tls-verify") is { } skip && bool.Parse(skip),
                    TlsServerName = Scalar(entry.Body, "tls-server-name"),
                },
            })],
            Users = [.. Entries(root, "users", "user").Select(entry => new User
            {
                Name = entry.Name,
                UserCredentials = Credentials(entry.Name, entry.Body, FilePath),
            })],
            Contexts = [.. Entries(root, "contexts", "context").Select(entry => new Context
            {
                Name = entry.Name,
                ContextDetails = new ContextDetails
                {
                    Cluster = Scalar(entry.Body, "cluster"),
                    User = Scalar(entry.Body, "user"),
                    Namespace = Scalar(entry.Body, "namespace"),
                },
            })],
        };
    }

    private static UserCredentials Credentials(string name, YamlMappingNode body, Func<string?, string?> filePath)
    {
        if (body.Children.ContainsKey("exec") || body.Children.ContainsKey("auth-provider"))
        {
            throw new KubeConfigException($"kubeconfig user {name}: exec and auth-provider are not supported by this build; use a token or a client certificate");
        }

        var token = Scalar(body, "token");
        if (token is null && filePath(Scalar(body, "tokenFile")) is { } tokenFile)
        {
            token = File.ReadAllText(tokenFile).Trim();
        }

        return new UserCredentials
        {
            Token = token,
            ClientCertificateData = Scalar(body, "client-certificate-data"),
            ClientKeyData = Scalar(body, "client-key-data"),
            ClientCertificate = filePath(Scalar(body, "client-certificate")),
            ClientKey = filePath(Scalar(body, "client-key")),
            UserName = Scalar(body, "username"),
            Password = Scalar(body, "password"),
        };
    }

    private static IEnumerable<(string Name, YamlMappingNode Body)> Entries(YamlMappingNode root, string list, string bodyKey)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(list), out var node) || node is not YamlSequenceNode sequence)
        {
            yield break;
        }

        foreach (var item in sequence.Children.OfType<YamlMappingNode>())
        {
            var name = Scalar(item, "name") ?? throw new KubeConfigException($"kubeconfig: an entry of {list} has no name");
            var body = item.Children.TryGetValue(new YamlScalarNode(bodyKey), out var inner) && inner is YamlMappingNode mapping
                ? mapping
                : new YamlMappingNode();
            yield return (name, body);
        }
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } text }
            ? text
            : null;
}
