namespace PveOperator.Entities;

/// <summary>How server-side apply merges a list (<c>x-kubernetes-list-type</c>).</summary>
public enum ListType
{
    /// <summary>The list is replaced as a whole; the Kubernetes default.</summary>
    Atomic,

    /// <summary>Scalar items, each unique; items from different field managers are kept side by side.</summary>
    Set,

    /// <summary>Objects identified by their key fields; each item is merged field by field.</summary>
    Map,
}
