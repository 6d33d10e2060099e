using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace PveOperator.Runtime;

/// <summary>
/// An <see cref="IListWatch{TEntity}"/> over any of KubernetesClient's generated
/// <c>List…WithHttpMessagesAsync</c> methods: the same call lists (watch=false) and watches (watch=true).
/// </summary>
internal sealed class KubernetesListWatch<TEntity, TList>(
    Func<ListWatchRequest, CancellationToken, Task<HttpOperationResponse<TList>>> call,
    int pageSize = KubernetesListWatch<TEntity, TList>.DefaultPageSize) : IListWatch<TEntity>
    where TEntity : IKubernetesObject<V1ObjectMeta>
    where TList : IItems<TEntity>, IMetadata<V1ListMeta>
{
    public const int DefaultPageSize = 500;

    public async Task<EntityListSnapshot<TEntity>> ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<TEntity>();
        string? continueToken = null;
        string? resourceVersion;
        do
        {
            using var response = await call(new ListWatchRequest(Watch: false, Continue: continueToken, Limit: pageSize), cancellationToken)
                .ConfigureAwait(false);
            var page = response.Body;
            items.AddRange(page.Items ?? []);

            // Every page of one paginated list carries the snapshot's resourceVersion.
            resourceVersion = page.Metadata?.ResourceVersion;
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        return new EntityListSnapshot<TEntity>(items, resourceVersion ?? string.Empty);
    }

    public async IAsyncEnumerable<EntityWatchEvent<TEntity>> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListWatchRequest(
            Watch: true,
            ResourceVersion: resourceVersion,
            TimeoutSeconds: Math.Max(1, (int)timeout.TotalSeconds),
            AllowWatchBookmarks: true);
        var response = call(request, cancellationToken);

        // KubernetesClient reports an ERROR event (such as 410 Gone) only to onError and otherwise
        // swallows it: rethrow so that the informer sees it and re-lists. The typed WatchAsync is marked
        // obsolete in favour of per-kind methods, which do not exist for custom resources.
#pragma warning disable CS0618
        var events = response.WatchAsync<TEntity, TList>(
            onError: exception => ExceptionDispatchInfo.Throw(exception), cancellationToken: cancellationToken);
#pragma warning restore CS0618
        var enumerator = events.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (await MoveNextOrEndAsync(enumerator).ConfigureAwait(false))
            {
                var (type, entity) = enumerator.Current;
                yield return new EntityWatchEvent<TEntity>(type, entity);
            }
        }
    }

    private static async Task<bool> MoveNextOrEndAsync(IAsyncEnumerator<(WatchEventType, TEntity)> enumerator)
    {
        try
        {
            return await enumerator.MoveNextAsync().ConfigureAwait(false);
        }
        catch (HttpRequestException exception) when (exception.InnerException is EndOfStreamException)
        {
            // KubernetesClient waits for a watch's first line before it returns the response; when the
            // server ends a quiet watch (its timeout) without sending any line, that wait fails like
            // this. It is the normal end of a watch, not an error.
            return false;
        }
    }
}
