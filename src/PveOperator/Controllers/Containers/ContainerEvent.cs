namespace PveOperator.Controllers;

/// <summary>A Kubernetes event to record about the resource.</summary>
internal sealed record ContainerEvent(bool Warning, string Reason, string Message)
{
    public static ContainerEvent Normal(string reason, string message) => new(false, reason, message);

    public static ContainerEvent Warn(string reason, string message) => new(true, reason, message);
}
