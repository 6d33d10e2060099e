namespace PveOperator.Entities;

/// <summary>
/// The object must have exactly one of these groups of properties (each group: the JSON names that must all be
/// present). Written into the CRD as oneOf of required lists, which a structural schema allows.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class OneOfRequiredAttribute(params string[] properties) : Attribute
{
    public IReadOnlyList<string> Properties { get; } = properties;
}
