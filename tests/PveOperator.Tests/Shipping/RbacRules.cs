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

    private static string Grant(string group, string resource, string verb) => $"{(group.Length == 0 ? "core" : group)}/{resource}:{verb}";
}
