namespace PveOperator.Crds;

/// <summary>Which copy of the CRDs the generator writes.</summary>
internal enum CrdVariant
{
    /// <summary>As shipped (config/crds, the chart): with the CEL rules.</summary>
    Shipped,

    /// <summary>
    /// Without <c>x-kubernetes-validations</c>, for servers older than 1.25 (the 1.20 test tier): their kubectl and
    /// Helm refuse a CRD that carries CEL rules. Everything else is the same.
    /// </summary>
    WithoutCelRules,
}
