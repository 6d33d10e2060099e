using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// The client the controller loop and status writers write through: each answer to a write goes into the informer's
/// <see cref="OwnWrites{TEntity}"/>, so that the next reconcile of that object never decides on an older copy from the
/// cache. A write that failed without a definite refusal may have happened: its key is marked uncertain.
/// </summary>
internal sealed class OwnWriteRecordingClient<TEntity>(IEntityClient<TEntity> inner, OwnWrites<TEntity> ownWrites) : IEntityClient<TEntity>
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    public Task<TEntity?> GetAsync(string? @namespace, string name, CancellationToken cancellationToken) =>
        inner.GetAsync(@namespace, name, cancellationToken);

    public Task<TEntity> PatchAsync(TEntity entity, JsonNode mergePatch, CancellationToken cancellationToken) =>
        RecordAsync(entity, () => inner.PatchAsync(entity, mergePatch, cancellationToken));

    public Task<TEntity> PatchStatusAsync(TEntity entity, JsonNode mergePatch, CancellationToken cancellationToken) =>
        RecordAsync(entity, () => inner.PatchStatusAsync(entity, mergePatch, cancellationToken));

    /// <summary>A 4xx answer is a refusal (409 Conflict, 404, 422): nothing was written. Anything else may have been.</summary>
    private static bool NothingWritten(Exception exception) => (int?)ApiErrors.StatusCode(exception) is >= 400 and < 500;

    private async Task<TEntity> RecordAsync(TEntity entity, Func<Task<TEntity>> write)
    {
        TEntity stored;
        try
        {
            stored = await write().ConfigureAwait(false);
        }
        catch (Exception exception) when (!NothingWritten(exception))
        {
            ownWrites.MarkUncertain(EntityKey.Of(entity));
            throw;
        }

        ownWrites.Record(stored);
        return stored;
    }
}
