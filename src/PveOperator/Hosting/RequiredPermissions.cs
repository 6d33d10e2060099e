namespace PveOperator.Hosting;

/// <summary>
/// Where a permission must be granted: cluster-wide (ClusterRole), in the Lease's namespace
/// (--leader-election-namespace) or in the token Secrets' namespace (--secret-namespace), each with its own Role.
/// </summary>
internal enum PermissionScope
{
    Cluster,
    LeaderElectionNamespace,
    SecretNamespace,
}

/// <summary>One RBAC rule the operator needs: <paramref name="Resource"/> may be a subresource ("lxccontainers/status").</summary>
internal sealed record RequiredPermission(PermissionScope Scope, string ApiGroup, string Resource, IReadOnlyList<string> Verbs);

/// <summary>
/// Every Kubernetes API permission the operator uses, and nothing more. config/rbac/ and the Helm chart's
/// RBAC templates are checked against this list by tests (tests/PveOperator.Tests/Shipping and
/// tests/PveOperator.IntegrationTests/Shipping), so a new API call without its rule, or a rule no code
/// needs, fails a test. Keep the comment on each entry naming the code that needs it.
/// </summary>
internal static class RequiredPermissions
{
    public const string Group = "pve-operator.io";

    public static readonly IReadOnlyList<RequiredPermission> All =
    [
        // Runtime/ListWatches.CustomResources (the ProxmoxProvider informer: list, then watch) and
        // Runtime/CustomResourceClient.GetAsync (Controller reads each object fresh before reconciling it);
        // patch: CustomResourceClient.PatchAsync, used by Controller.PatchFinalizersAsync to add/remove the finalizer.
        new(PermissionScope.Cluster, Group, "proxmoxproviders", ["get", "list", "watch", "patch"]),

        // Runtime/CustomResourceClient.PatchStatusAsync through StatusWriter (ProxmoxProviderReconciler's status).
        new(PermissionScope.Cluster, Group, "proxmoxproviders/status", ["patch"]),

        // Controller.PatchFinalizersAsync changes metadata.finalizers; clusters enforcing
        // OwnerReferencesPermissionEnforcement-style checks want update on the finalizers subresource too.
        new(PermissionScope.Cluster, Group, "proxmoxproviders/finalizers", ["update"]),

        // Same as for providers: the LxcContainer informer (list/watch in all namespaces), the fresh read
        // before each reconcile (get) and the finalizer patches (patch).
        new(PermissionScope.Cluster, Group, "lxccontainers", ["get", "list", "watch", "patch"]),

        // CustomResourceClient.PatchStatusAsync through StatusWriter (LxcContainerReconciler's status).
        new(PermissionScope.Cluster, Group, "lxccontainers/status", ["patch"]),

        // As for proxmoxproviders/finalizers.
        new(PermissionScope.Cluster, Group, "lxccontainers/finalizers", ["update"]),

        // get: Hosting/KubernetesSecretReader reads the token Secret a provider names. list/watch: the Secret informer
        // Hosting/OperatorHost passes to providerController.Watches (Runtime/ListWatches.Secrets in options.SecretNamespace),
        // so that a rotated token takes effect at once. Only there: Secrets elsewhere need a Role the user adds.
        new(PermissionScope.SecretNamespace, "", "secrets", ["get", "list", "watch"]),

        // list/watch: the Namespace informer Hosting/OperatorHost builds (Runtime/ListWatches.Namespaces), whose labels the
        // container reconciler's tenancy gate (Controllers/Providers/TenancyGate) matches against spec.allowedNamespaces.selector.
        new(PermissionScope.Cluster, "", "namespaces", ["list", "watch"]),

        // Runtime/EventRecorder: create a new Event, patch its count/lastTimestamp when it repeats (aggregation).
        // Events go to the object's namespace (any namespace), and to "default" for cluster-scoped providers.
        new(PermissionScope.Cluster, "", "events", ["create", "patch"]),

        // Runtime/LeaderElectionRunner: KubernetesClient's LeaseLock reads (get), creates (create) and renews
        // (update, a replace) the Lease; ReleaseAsync reads it and replaces it with an empty holder on shutdown.
        new(PermissionScope.LeaderElectionNamespace, "coordination.k8s.io", "leases", ["get", "create", "update"]),
    ];
}
