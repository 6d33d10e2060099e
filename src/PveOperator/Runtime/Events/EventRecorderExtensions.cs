using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

internal static class EventRecorderExtensions
{
    public static Task NormalAsync(
        this IEventRecorder recorder, IKubernetesObject<V1ObjectMeta> regarding, string reason, string message,
        CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(regarding, EventType.Normal, reason, message, cancellationToken);

    public static Task WarningAsync(
        this IEventRecorder recorder, IKubernetesObject<V1ObjectMeta> regarding, string reason, string message,
        CancellationToken cancellationToken = default) =>
        recorder.RecordAsync(regarding, EventType.Warning, reason, message, cancellationToken);
}
