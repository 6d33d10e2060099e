namespace PveOperator.Runtime;

/// <summary>What makes two events "the same" for aggregation.</summary>
internal readonly record struct EventIdentity(
    string ObjectUid,
    string ObjectKind,
    string? ObjectNamespace,
    string ObjectName,
    EventType Type,
    string Reason,
    string Message);
