namespace PveOperator.Entities;

/// <summary>
/// The object must have at least one of these properties. Written into the CRD as anyOf of required lists, which every
/// API server checks (no CEL needed).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnyOfRequiredAttribute(params string[] properties) : Attribute
{
    public IReadOnlyList<string> Properties { get; } = properties;
}
