using PveOperator.Entities;

namespace PveOperator.Controllers;

/// <summary>
/// The tenancy gate of a container reconcile: looks up the provider's spec and the namespace's labels (from the
/// informers' caches) and asks <see cref="NamespaceAdmission"/>. An unknown provider is not refused here: the
/// reconciler reports it as not found.
/// </summary>
/// <param name="allowedNamespacesOf">The provider's spec.allowedNamespaces; null when omitted or the provider is unknown.</param>
/// <param name="namespaceLabels">A namespace's labels; null when it is not known.</param>
internal sealed class TenancyGate(
    Func<string, AllowedNamespaces?> allowedNamespacesOf,
    Func<string, IReadOnlyDictionary<string, string>?> namespaceLabels)
{
    /// <summary>Admits everything (today's behaviour without allowedNamespaces); for tests and tools.</summary>
    public static TenancyGate AllowAll { get; } = new(_ => null, _ => null);

    /// <summary>Null when the container may use its provider, else the refusal message.</summary>
    public string? Refuse(V1Alpha1LxcContainer container)
    {
        var providerName = container.Spec.ProviderRef.Name;
        var @namespace = container.Metadata.NamespaceProperty ?? "";
        var allowed = allowedNamespacesOf(providerName);
        return NamespaceAdmission.Admits(allowed, @namespace, allowed?.Selector is null ? null : namespaceLabels(@namespace))
            ? null
            : NamespaceAdmission.Refusal(providerName, @namespace);
    }
}
