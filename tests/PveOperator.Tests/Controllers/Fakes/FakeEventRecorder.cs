using k8s;
using k8s.Models;
using PveOperator.Runtime;

namespace PveOperator.Tests.Controllers.Fakes;

internal sealed record RecordedEvent(string Regarding, EventType Type, string Reason, string Message);

internal sealed class FakeEventRecorder(Journal? journal = null) : IEventRecorder
{
    public List<RecordedEvent> Events { get; } = [];

    public IEnumerable<RecordedEvent> Warnings => Events.Where(e => e.Type == EventType.Warning);

    public IEnumerable<RecordedEvent> Normals => Events.Where(e => e.Type == EventType.Normal);

    public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, EventType type, string reason, string message,
        CancellationToken cancellationToken = default)
    {
        Events.Add(new RecordedEvent(EntityKey.Of(regarding), type, reason, message));
        journal?.Add($"event {type} {reason}");
        return Task.CompletedTask;
    }
}
