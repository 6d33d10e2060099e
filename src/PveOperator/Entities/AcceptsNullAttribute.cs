namespace PveOperator.Entities;

/// <summary>
/// Marks a field where an explicit <c>null</c> means something different from leaving the field out, so the CRD
/// schema says <c>nullable: true</c>. Nothing else is nullable: an omitted field needs no null, and on servers that
/// publish OpenAPI v2 (1.20 and others) a nullable field loses its type in <c>kubectl explain</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AcceptsNullAttribute : Attribute;
