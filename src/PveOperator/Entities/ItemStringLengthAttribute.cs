namespace PveOperator.Entities;

/// <summary>maxLength for each string of a list property (a CRD schema puts it on the list's items).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemStringLengthAttribute(int maximumLength) : Attribute
{
    public int MaximumLength { get; } = maximumLength;
}
