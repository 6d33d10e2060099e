using k8s.Models;
using PveOperator.Hosting;

namespace PveOperator.Tests.Shipping;

/// <summary>RBAC rules flattened to (apiGroup, resource, verb) grants, to compare manifests with <see cref="RequiredPermissions"/>.</summary>
internal static class RbacRules
{
    public static SortedSet<string> Grants(IEnumerable<V1PolicyRule> rules)
    {
        var grants = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            Assert.True(rule.ResourceNames is null or { Count: 0 }, "rules are not limited by resourceNames");
            Assert.True(rule.NonResourceURLs is null or { Count: 0 }, "no non-resource URLs are needed");
            foreach (var group in rule.ApiGroups ?? [])
            {
                foreach (var resource in rule.Resources ?? [])
                {
                    foreach (var verb in rule.Verbs ?? [])
                    {
                        Assert.False(group == "*" || resource == "*" || verb == "*", $"wildcard in rule {group}/{resource}/{verb}");
                        grants.Add(Grant(group, resource, verb));
                    }
                }
            }
        }

        return grants;
    }

    public static SortedSet<string> Required(PermissionScope scope) =>
        new(RequiredPermissions.All.Where(p => p.Scope == scope)
            .SelectMany(p => p.Verbs.Select(verb => Grant(p.ApiGroup, p.Resource, verb))), StringComparer.Ordinal);

    /// <summary>Asserts that <paramref name="rules"/> grant exactly what the code needs in <paramref name="scope"/>.</summary>
    public static void AssertExactly(PermissionScope scope, IEnumerable<V1PolicyRule> rules, string what)
    {
        var granted = Grants(rules);
        var required = Required(scope);
        var missing = required.Except(granted).ToList();
        var excess = granted.Except(required).ToList();
        Assert.True(missing.Count == 0 && excess.Count == 0,
            $"{what} drifted from RequiredPermissions ({scope}).\n  missing: {string.Join(", ", missing)}\n  not needed: {string.Join(", ", excess)}\n" +
            "Change src/PveOperator/Hosting/RequiredPermissions.cs, config/rbac and charts/pve-operator/templates together.");
    }

    /// <summary>
    /// Checks a whole RBAC set (config/rbac, or the chart's rendering) against what a Deployment's flags need: one
    /// ClusterRole, a Role in the Lease namespace and one in the Secret namespace, each granting exactly its scope's
    /// permissions, all bound to the operator's ServiceAccount.
    /// </summary>
    public static void AssertManifests(IReadOnlyList<Manifest> manifests, OperatorOptions options, string what)
    {
        var account = manifests.Single("ServiceAccount");
        var clusterRole = Assert.Single(OperatorRoles(manifests, "ClusterRole")).As<V1ClusterRole>();
        AssertExactly(PermissionScope.Cluster, clusterRole.Rules, $"{what}: ClusterRole {clusterRole.Metadata.Name}");

        var roles = manifests.Where(m => m.Kind == "Role").Select(m => m.As<V1Role>()).ToList();
        Assert.Equal(2, roles.Count);
        var leaseRole = Assert.Single(roles, r => r.Rules.Any(rule => rule.Resources.Contains("leases")));
        Assert.Equal(options.LeaderElectionNamespace, leaseRole.Metadata.NamespaceProperty);
        AssertExactly(PermissionScope.LeaderElectionNamespace, leaseRole.Rules, $"{what}: Role {leaseRole.Metadata.Name}");
        var secretRole = Assert.Single(roles, r => r.Rules.Any(rule => rule.Resources.Contains("secrets")));
        Assert.Equal(options.SecretNamespace, secretRole.Metadata.NamespaceProperty);
        AssertExactly(PermissionScope.SecretNamespace, secretRole.Rules, $"{what}: Role {secretRole.Metadata.Name}");

        var clusterBinding = manifests.Single("ClusterRoleBinding").As<V1ClusterRoleBinding>();
        Assert.Equal(("ClusterRole", clusterRole.Metadata.Name), (clusterBinding.RoleRef.Kind, clusterBinding.RoleRef.Name));
        AssertSubjectIsAccount(clusterBinding.Subjects, account);

        var bindings = manifests.Where(m => m.Kind == "RoleBinding").Select(m => m.As<V1RoleBinding>()).ToList();
        Assert.Equal(2, bindings.Count);
        foreach (var role in roles)
        {
            var binding = Assert.Single(bindings, b => b.RoleRef.Name == role.Metadata.Name && b.Metadata.NamespaceProperty == role.Metadata.NamespaceProperty);
            Assert.Equal("Role", binding.RoleRef.Kind);
            AssertSubjectIsAccount(binding.Subjects, account);
        }
    }

    private static void AssertSubjectIsAccount(IList<Rbacv1Subject> subjects, Manifest account)
    {
        var subject = Assert.Single(subjects);
        Assert.Equal(("ServiceAccount", account.Name, account.Namespace), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }

    private static string Grant(string group, string resource, string verb) => $"{(group.Length == 0 ? "core" : group)}/{resource}:{verb}";

    /// <summary>The roles of the operator itself: without the user roles that aggregate into view, edit and admin.</summary>
    public static IEnumerable<Manifest> OperatorRoles(IEnumerable<Manifest> manifests, string kind) =>
        manifests.Where(m => m.Kind == kind && !m.Yaml.Contains("rbac.authorization.k8s.io/aggregate-to-", StringComparison.Ordinal));
}
