namespace PveOperator.Entities;

/// <summary>What the CRD says about a resource beyond its schema.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CustomResourceAttribute : Attribute
{
    public ResourceScope Scope { get; init; } = ResourceScope.Namespaced;
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
}
