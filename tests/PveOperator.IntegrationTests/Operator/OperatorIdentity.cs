using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PveOperator.IntegrationTests.Shipping;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>
/// The operator's own identity for tests: the ServiceAccount from config/rbac with exactly those roles, and a
/// token for it from the TokenRequest API. Running the operator as this identity turns a missing or excess
/// permission in config/rbac into a failing test.
/// </summary>
public static class OperatorIdentity
{
    public const string ServiceAccountNamespace = "pve-system";
    public const string ServiceAccountName = "pve-operator";
    public const string SecretReaderRole = "pve-operator-secret-reader";

    /// <summary>Applies config/rbac and returns a fresh token for the operator's ServiceAccount.</summary>
    public static async Task<string> ApplyRbacAndCreateTokenAsync(string kubeconfig)
    {
        var rbac = Path.Combine(OperatorHarness.RepositoryRoot(), "config", "rbac");
        await KubectlAsync(kubeconfig, "apply", "-f", rbac);
        var token = await KubectlAsync(kubeconfig, "create", "token", ServiceAccountName, "-n", ServiceAccountNamespace, "--duration=2h");
        return token.Trim();
    }

    /// <summary>
    /// Lets the operator read and watch Secrets in one more namespace, as docs/install.md tells users to do for
    /// token Secrets outside the operator's namespace.
    /// </summary>
    public static async Task GrantSecretReadAsync(IKubernetes admin, string @namespace)
    {
        await admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = SecretReaderRole, NamespaceProperty = @namespace },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get", "list", "watch"] }],
        }, @namespace);
        await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = SecretReaderRole, NamespaceProperty = @namespace },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = SecretReaderRole },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServiceAccountName, NamespaceProperty = ServiceAccountNamespace }],
        }, @namespace);
    }

    /// <summary>The admin configuration with the ServiceAccount's token instead of the admin's credentials.</summary>
    public static KubernetesClientConfiguration ConfigurationFor(KubernetesClientConfiguration admin, string token) => new()
    {
        Host = admin.Host,
        SslCaCerts = admin.SslCaCerts,
        SkipTlsVerify = admin.SkipTlsVerify,
        AccessToken = token,
    };

    /// <summary>A kubeconfig file for operator processes, with the ServiceAccount's token.</summary>
    public static async Task<string> WriteKubeconfigAsync(string adminKubeconfig, string token, string path)
    {
        var server = await KubectlAsync(adminKubeconfig, "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}");
        var caFile = await KubectlAsync(adminKubeconfig, "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.certificate-authority}");
        var caData = await KubectlAsync(adminKubeconfig, "config", "view", "--raw", "--minify", "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}");
        if (string.IsNullOrWhiteSpace(caData) && !string.IsNullOrWhiteSpace(caFile))
        {
            caData = Convert.ToBase64String(await File.ReadAllBytesAsync(caFile.Trim()));
        }

        var yaml = new StringBuilder()
            .AppendLine("apiVersion: v1")
            .AppendLine("kind: Config")
            .AppendLine("clusters:")
            .AppendLine("- name: test")
            .AppendLine("  cluster:")
            .AppendLine($"    server: {server.Trim()}")
            .AppendLine($"    certificate-authority-data: {caData.Trim()}")
            .AppendLine("users:")
            .AppendLine("- name: pve-operator")
            .AppendLine("  user:")
            .AppendLine($"    token: {token}")
            .AppendLine("contexts:")
            .AppendLine("- name: pve-operator")
            .AppendLine("  context: {cluster: test, user: pve-operator}")
            .AppendLine("current-context: pve-operator")
            .ToString();
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }

    private static async Task<string> KubectlAsync(string kubeconfig, params string[] arguments) =>
        (await Tools.KubectlAsync(kubeconfig, arguments)).EnsureSuccess().Stdout;
}
