using PveOperator.Entities;

namespace PveOperator.Controllers;

/// <summary>
/// Whether a provider admits LxcContainers of a namespace, from its spec.allowedNamespaces and the namespace's labels:
/// omitted admits every namespace; otherwise a namespace named in names, or one whose labels match the selector.
/// </summary>
public static class NamespaceAdmission
{
    /// <param name="namespaceLabels">The namespace's labels; null when the namespace is not known (yet).</param>
    public static bool Admits(AllowedNamespaces? allowed, string @namespace, IReadOnlyDictionary<string, string>? namespaceLabels)
    {
        if (allowed is null)
        {
            return true;
        }

        if (allowed.Names?.Contains(@namespace, StringComparer.Ordinal) == true)
        {
            return true;
        }

        return allowed.Selector is { } selector && namespaceLabels is not null && Matches(selector, namespaceLabels);
    }

    /// <summary>A label selector as Kubernetes evaluates it; an empty selector matches every namespace.</summary>
    public static bool Matches(NamespaceLabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector.MatchLabels ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(requirement.Key, out var actual);
            var values = requirement.Values ?? [];
            var holds = requirement.Operator switch
            {
                LabelSelectorOperator.In => has && values.Contains(actual!, StringComparer.Ordinal),
                LabelSelectorOperator.NotIn => !has || !values.Contains(actual!, StringComparer.Ordinal),
                LabelSelectorOperator.Exists => has,
                LabelSelectorOperator.DoesNotExist => !has,
                _ => false,
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two allowedNamespaces admit the same namespaces by the same rules (so nobody needs a second look).</summary>
    public static bool SameRules(AllowedNamespaces? a, AllowedNamespaces? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return (a.Names ?? []).SequenceEqual(b.Names ?? [], StringComparer.Ordinal) && SameSelector(a.Selector, b.Selector);
    }

    private static bool SameSelector(NamespaceLabelSelector? a, NamespaceLabelSelector? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        var labelsA = a.MatchLabels ?? [];
        var labelsB = b.MatchLabels ?? [];
        return labelsA.Count == labelsB.Count
            && labelsA.All(l => labelsB.TryGetValue(l.Key, out var v) && v == l.Value)
            && (a.MatchExpressions ?? []).Select(Text).SequenceEqual((b.MatchExpressions ?? []).Select(Text), StringComparer.Ordinal);

        static string Text(LabelSelectorRequirement r) => $"{r.Key} {r.Operator} {string.Join(",", r.Values ?? [])}";
    }

    /// <summary>The message of ProviderNotAllowed: names the namespace and provider only, nothing the provider knows.</summary>
    public static string Refusal(string providerName, string @namespace) =>
        $"ProxmoxProvider {providerName} does not allow LxcContainers in namespace {@namespace}: ask its administrator to add the namespace to spec.allowedNamespaces (by name or label)";
}
