namespace PveOperator.Entities;

/// <summary>
/// maxItems of a list property. Our own attribute rather than DataAnnotations' MaxLength, whose constructor is marked
/// as unsafe for trimming (it reflects on Count at validation time): the NativeAOT build keeps the entities with it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxItemsAttribute(int maximum) : Attribute
{
    public int Maximum { get; } = maximum;
}
