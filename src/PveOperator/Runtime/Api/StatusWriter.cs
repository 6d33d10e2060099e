using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

internal sealed class StatusWriter<TEntity>(IEntityClient<TEntity> client) : IStatusWriter<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    public Task<TEntity> PatchStatusAsync(TEntity entity, object? status, CancellationToken cancellationToken) =>
        client.PatchStatusAsync(entity, StatusJson.PatchFor(entity, status), cancellationToken);

    public async Task<bool> PatchStatusIfChangedAsync(TEntity entity, object? status, CancellationToken cancellationToken)
    {
        if (!StatusJson.HasChanged(entity, status))
        {
            return false;
        }

        await PatchStatusAsync(entity, status, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
