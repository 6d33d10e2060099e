namespace PveOperator.Entities;

/// <summary>
/// A CEL rule the API server checks (<c>x-kubernetes-validations</c>, Kubernetes 1.25 and later). On a property the
/// rule sees that field as <c>self</c>; on a class it sees the object of that type. A rule that uses <c>oldSelf</c> is
/// a transition rule: it runs only on updates, and only when the old object had the field.
/// </summary>
/// <remarks>
/// Servers without CEL (1.20, the end-to-end test tier) never see these rules: the generator also writes a copy of the
/// CRDs without them, so every rule must also be enforced by the operator at run time.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class, AllowMultiple = true)]
public sealed class ValidationRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    /// <summary>What kubectl and Argo CD show when the rule refuses a change; written for the person who made it.</summary>
    public string Message { get; } = message;

    /// <summary>A CEL expression giving the message instead (Kubernetes 1.27 and later); <see cref="Message"/> stays the fallback.</summary>
    public string? MessageExpression { get; init; }

    /// <summary>The field the error is reported on, relative to <c>self</c> (".fingerprint"); Kubernetes 1.28 and later.</summary>
    public string? FieldPath { get; init; }

    /// <summary>
    /// The error's reason (Kubernetes 1.28 and later). FieldValueInvalid, the server's own default, is left out of the
    /// CRD so that the rule also installs on servers that do not know the field.
    /// </summary>
    public ValidationReason Reason { get; init; } = ValidationReason.FieldValueInvalid;
}
