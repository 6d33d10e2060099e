namespace PveOperator.Entities;

/// <summary>The reasons a CEL rule may give (<c>x-kubernetes-validations[].reason</c>).</summary>
public enum ValidationReason
{
    FieldValueInvalid,
    FieldValueForbidden,
    FieldValueRequired,
    FieldValueDuplicate,
}
