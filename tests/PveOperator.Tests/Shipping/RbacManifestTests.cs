using k8s.Models;
using PveOperator.Hosting;

namespace PveOperator.Tests.Shipping;

/// <summary>config/rbac grants exactly <see cref="RequiredPermissions"/>, to the operator's ServiceAccount.</summary>
public sealed class RbacManifestTests
{
    private static readonly string Root = Manifests.RepositoryRoot();
    private static readonly IReadOnlyList<Manifest> Rbac = Manifests.LoadDirectory(Path.Combine(Root, "config", "rbac"));

    [Fact]
    public void Cluster_role_grants_exactly_the_required_permissions()
    {
        var role = Rbac.Single("ClusterRole").As<V1ClusterRole>();
        Assert.Equal("pve-operator", role.Metadata.Name);
        RbacRules.AssertExactly(PermissionScope.Cluster, role.Rules, "config/rbac/role.yaml");
    }

    [Fact]
    public void Roles_grant_the_lease_and_the_secrets_in_the_namespaces_the_deployment_names_and_bind_to_its_account()
    {
        // The flags config/manager passes decide where the Lease and the Secrets are.
        var deployment = Manifests.LoadDirectory(Path.Combine(Root, "config", "manager")).Single("Deployment").As<V1Deployment>();
        var options = OperatorOptionsParser.Parse(deployment.Spec.Template.Spec.Containers[0].Args.ToList());
        RbacRules.AssertManifests(Rbac, options, "config/rbac");

        var account = Rbac.Single("ServiceAccount");
        Assert.Equal(("pve-operator", "pve-system"), (account.Name, account.Namespace));
        Assert.Equal(account.Name, deployment.Spec.Template.Spec.ServiceAccountName);
        Assert.Equal(account.Namespace, deployment.Metadata.NamespaceProperty);
    }

    [Fact]
    public void Secrets_are_only_read_and_only_in_the_secret_namespace()
    {
        var secrets = Assert.Single(RequiredPermissions.All, p => p.ApiGroup == "" && p.Resource == "secrets");
        Assert.Equal(PermissionScope.SecretNamespace, secrets.Scope);
        Assert.All(secrets.Verbs, verb => Assert.Contains(verb, new[] { "get", "list", "watch" }));
    }

    [Fact]
    public void The_namespace_comes_first_so_one_kubectl_apply_creates_it_before_what_lives_in_it()
    {
        // kubectl applies a directory's files in name order and does not reorder by kind.
        Assert.Equal(("Namespace", "pve-system"), (Rbac[0].Kind, Rbac[0].Name));
        Assert.All(Rbac.Skip(1), m => Assert.NotEqual("Namespace", m.Kind));
    }

    [Fact]
    public void Every_permission_says_which_code_needs_it()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "src", "PveOperator", "Hosting", "RequiredPermissions.cs"));
        var entries = Enumerable.Range(0, lines.Length)
            .Where(i => lines[i].TrimStart().StartsWith("new(PermissionScope.", StringComparison.Ordinal)).ToList();
        Assert.Equal(RequiredPermissions.All.Count, entries.Count);
        Assert.All(entries, i => Assert.True(lines[i - 1].TrimStart().StartsWith("//", StringComparison.Ordinal), $"no comment above: {lines[i].Trim()}"));
    }
}
