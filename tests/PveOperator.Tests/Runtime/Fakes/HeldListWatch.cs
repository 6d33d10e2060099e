using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using PveOperator.Runtime;

namespace PveOperator.Tests.Runtime.Fakes;

/// <summary>A list-watch of an empty kind whose first list is answered only when the test releases it (a slow API server).</summary>
internal sealed class HeldListWatch<TEntity> : IListWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => released.TrySetResult();

    public async Task<EntityListSnapshot<TEntity>> ListAsync(CancellationToken cancellationToken)
    {
        await released.Task.WaitAsync(cancellationToken);
        return new EntityListSnapshot<TEntity>([], "1");
    }

    public async IAsyncEnumerable<EntityWatchEvent<TEntity>> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
