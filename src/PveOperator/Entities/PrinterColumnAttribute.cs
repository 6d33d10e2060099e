namespace PveOperator.Entities;

/// <summary>An additionalPrinterColumns entry of the CRD; columns keep the order of the attributes.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string JsonPath { get; } = jsonPath;
    /// <summary>0 shows the column always; 1 only with -o wide.</summary>
    public int Priority { get; init; }
}
