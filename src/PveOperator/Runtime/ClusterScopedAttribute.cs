namespace PveOperator.Runtime;

/// <summary>
/// Marks an entity type as cluster-scoped. Entities without it are namespaced, as most Kubernetes
/// kinds are; <see cref="k8s.Models.KubernetesEntityAttribute"/> cannot say which.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ClusterScopedAttribute : Attribute;
