using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// Records Kubernetes Events about an object (what <c>kubectl describe</c> shows). Never throws:
/// a failed write is logged, since an event is never worth failing a reconcile for.
/// </summary>
internal interface IEventRecorder
{
    Task RecordAsync(
        IKubernetesObject<V1ObjectMeta> regarding,
        EventType type,
        string reason,
        string message,
        CancellationToken cancellationToken = default);
}
