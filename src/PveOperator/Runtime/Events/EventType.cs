namespace PveOperator.Runtime;

/// <summary>The two Kubernetes event types.</summary>
internal enum EventType
{
    Normal,
    Warning,
}
