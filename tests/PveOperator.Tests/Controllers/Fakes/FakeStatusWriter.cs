using k8s;
using k8s.Models;
using PveOperator.Runtime;

namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>
/// Records status writes. Like the real writer, <see cref="PatchStatusIfChangedAsync"/> writes only when the JSON of
/// the new status differs from the entity's; like the API server's answer (which the next reconcile reads), a write
/// becomes the entity's status — as a copy, so later edits of the reconciler's object do not leak into it.
/// </summary>
internal sealed class FakeStatusWriter<TEntity, TStatus>(Journal? journal = null) : IStatusWriter<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>, IStatus<TStatus>
    where TStatus : class
{
    /// <summary>Copies of every status written, oldest first.</summary>
    public List<TStatus> Writes { get; } = [];

    public Task<TEntity> PatchStatusAsync(TEntity entity, object? status, CancellationToken cancellationToken)
    {
        var json = KubernetesJson.Serialize(status);
        Writes.Add(KubernetesJson.Deserialize<TStatus>(json));
        entity.Status = KubernetesJson.Deserialize<TStatus>(json);
        journal?.Add("write " + json);
        return Task.FromResult(entity);
    }

    public async Task<bool> PatchStatusIfChangedAsync(TEntity entity, object? status, CancellationToken cancellationToken)
    {
        if (KubernetesJson.Serialize(entity.Status) == KubernetesJson.Serialize(status))
        {
            return false;
        }

        await PatchStatusAsync(entity, status, cancellationToken);
        return true;
    }
}
