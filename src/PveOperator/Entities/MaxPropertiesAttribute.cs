namespace PveOperator.Entities;

/// <summary>maxProperties of a map property; its keys and values are bounded by <see cref="MapStringLength"/> too.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxPropertiesAttribute(int maximum) : Attribute
{
    public int Maximum { get; } = maximum;
    /// <summary>maxLength of each value (a label value: 63).</summary>
    public int MapStringLength { get; init; } = 63;
}
