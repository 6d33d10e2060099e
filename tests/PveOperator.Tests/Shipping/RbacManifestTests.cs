using k8s.Models;
using PveOperator.Hosting;

namespace PveOperator.Tests.Shipping;

/// <summary>config/rbac grants exactly <see cref="RequiredPermissions"/>, to the operator's ServiceAccount.</summary>
public sealed class RbacManifestTests
{
    private static readonly IReadOnlyList<Manifest> Rbac =
        Manifests.LoadDirectory(Path.Combine(Manifests.RepositoryRoot(), "config", "rbac"));

    [Fact]
    public void Cluster_role_grants_exactly_the_required_permissions()
    {
        var role = Rbac.Single("ClusterRole").As<V1ClusterRole>();
        Assert.Equal("pve-operator", role.Metadata.Name);
        RbacRules.AssertExactly(PermissionScope.Cluster, role.Rules, "config/rbac/role.yaml");
    }

    [Fact]
    public void Leader_election_role_grants_exactly_the_lease_permissions_in_the_lease_namespace()
    {
        var role = Rbac.Single("Role").As<V1Role>();
        Assert.Equal(new OperatorOptions().LeaderElectionNamespace, role.Metadata.NamespaceProperty);
        RbacRules.AssertExactly(PermissionScope.LeaderElectionNamespace, role.Rules, "config/rbac/leader_election_role.yaml");
    }

    [Fact]
    public void Secrets_are_only_read()
    {
        var secretVerbs = RequiredPermissions.All.Where(p => p.ApiGroup == "" && p.Resource == "secrets").SelectMany(p => p.Verbs);
        Assert.All(secretVerbs, verb => Assert.Contains(verb, new[] { "get", "list", "watch" }));
    }

    [Fact]
    public void Bindings_give_the_roles_to_the_operator_service_account()
    {
        var account = Rbac.Single("ServiceAccount").As<V1ServiceAccount>();
        Assert.Equal(("pve-operator", "pve-system"), (account.Metadata.Name, account.Metadata.NamespaceProperty));

        var clusterBinding = Rbac.Single("ClusterRoleBinding").As<V1ClusterRoleBinding>();
        Assert.Equal(("ClusterRole", Rbac.Single("ClusterRole").Name), (clusterBinding.RoleRef.Kind, clusterBinding.RoleRef.Name));
        var subject = Assert.Single(clusterBinding.Subjects);
        Assert.Equal(("ServiceAccount", "pve-operator", "pve-system"), (subject.Kind, subject.Name, subject.NamespaceProperty));

        var binding = Rbac.Single("RoleBinding").As<V1RoleBinding>();
        Assert.Equal("pve-system", binding.Metadata.NamespaceProperty);
        Assert.Equal(("Role", Rbac.Single("Role").Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", "pve-operator", "pve-system"), (subject.Kind, subject.Name, subject.NamespaceProperty));
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
        var source = File.ReadAllText(Path.Combine(Manifests.RepositoryRoot(), "src", "PveOperator", "Hosting", "RequiredPermissions.cs"));
        var entries = source.Split('\n').Where(line => line.TrimStart().StartsWith("new(PermissionScope.", StringComparison.Ordinal)).ToList();
        Assert.Equal(RequiredPermissions.All.Count, entries.Count);
        var lines = source.Split('\n');
        foreach (var entry in entries)
        {
            var index = Array.IndexOf(lines, entry);
            Assert.True(index > 0 && lines[index - 1].TrimStart().StartsWith("//", StringComparison.Ordinal), $"no comment above: {entry.Trim()}");
        }
    }
}
