using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PveOperator.Runtime;

/// <summary>
/// Keeps an <see cref="IEntityCache{TEntity}"/> in step with the API server and tells handlers what
/// changed (client-go's reflector + shared informer, in one).
/// It lists, then watches from the list's resourceVersion with bookmarks, remembering the newest
/// resourceVersion seen. When the server ends a watch, it watches again from there. When a watch fails
/// (410 Gone because etcd compacted that version, a dropped connection, anything), it lists again,
/// with backoff if failures repeat, and reports what differs from its cache as events, so that a change
/// made while it was disconnected is never missed.
/// </summary>
internal sealed partial class EntityInformer<TEntity> : IInformer
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly EntityCache<TEntity> cache = new();
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Action<EntityEvent<TEntity>>> handlers = [];
    private readonly Lock handlersGate = new();
    private readonly IListWatch<TEntity> listWatch;
    private readonly ILogger logger;
    private readonly TimeProvider clock;
    private readonly InformerOptions settings;
    private readonly Random? random;
    private int running;

    public EntityInformer(
        IListWatch<TEntity> listWatch,
        ILogger logger,
        TimeProvider? timeProvider = null,
        InformerOptions? options = null,
        Random? random = null)
    {
        clock = timeProvider ?? TimeProvider.System;
        settings = options ?? new InformerOptions();
        this.listWatch = LaggingListWatch<TEntity>.Wrap(listWatch, settings.WatchEventDelay, clock);
        this.logger = logger;
        this.random = random;
        OwnWrites = new OwnWrites<TEntity>(cache);
    }

    public IEntityCache<TEntity> Cache => cache;

    /// <summary>The answers to the operator's own writes that this cache has not caught up with yet.</summary>
    public OwnWrites<TEntity> OwnWrites { get; }

    /// <summary>True once the first list is in the cache.</summary>
    public bool HasSynced => synced.Task.IsCompleted;

    /// <summary>The newest resourceVersion seen, from a list, an event or a bookmark.</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>How many times the informer has listed (1 after the start; more after failures).</summary>
    public int ListCount { get; private set; }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => synced.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Registers a handler for every change, including the initial list as additions. Handlers run on
    /// the informer's loop: keep them short and non-blocking (enqueue a key, no I/O).
    /// </summary>
    public void AddHandler(Action<EntityEvent<TEntity>> handler)
    {
        lock (handlersGate)
        {
            handlers.Add(handler);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref running, 1) == 1)
        {
            throw new InvalidOperationException("The informer is already running.");
        }

        try
        {
            await ListAndWatchUntilCancelledAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }
    }

    private async Task ListAndWatchUntilCancelledAsync(CancellationToken cancellationToken)
    {
        var failuresInARow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var snapshot = await listWatch.ListAsync(cancellationToken).ConfigureAwait(false);
                ListCount++;
                ResourceVersion = snapshot.ResourceVersion;
                foreach (var item in snapshot.Items)
                {
                    DropManagedFields(item);
                }

                Publish(cache.Replace(snapshot.Items));
                synced.TrySetResult();
                LogListed(snapshot.Items.Count, snapshot.ResourceVersion);

                while (true)
                {
                    var sawEvents = await WatchOnceAsync(cancellationToken).ConfigureAwait(false);
                    if (sawEvents)
                    {
                        failuresInARow = 0;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                failuresInARow++;
                var delay = BackoffFor(failuresInARow, exception);
                if (ApiErrors.IsGone(exception))
                {
                    LogWatchExpired(ResourceVersion, delay);
                }
                else
                {
                    LogWatchFailed(exception, failuresInARow, delay);
                }

                try
                {
                    await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Server-side apply bookkeeping (metadata.managedFields) is never read by a controller but is most of a cached
    /// object's size (a parsed JSON tree per field manager): the cache keeps objects without it.
    /// </summary>
    private static void DropManagedFields(TEntity entity)
    {
        if (entity.Metadata is { ManagedFields: not null } metadata)
        {
            metadata.ManagedFields = null;
        }
    }

    /// <summary>One watch call, until the server ends it; returns whether any event came.</summary>
    private async Task<bool> WatchOnceAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var timeout = settings.WatchTimeout * (1 + (random ?? Random.Shared).NextDouble());
        var sawEvents = false;
        await foreach (var watchEvent in listWatch.WatchAsync(ResourceVersion ?? string.Empty, timeout, cancellationToken)
            .ConfigureAwait(false))
        {
            sawEvents = true;
            Apply(watchEvent);
        }

        if (!sawEvents && clock.GetElapsedTime(started) < settings.MinWatchDuration)
        {
            // A server that closes every watch at once would otherwise be hammered in a tight loop.
            throw new InvalidOperationException("The watch ended at once without any event.");
        }

        return sawEvents;
    }

    private void Apply(EntityWatchEvent<TEntity> watchEvent)
    {
        var entity = watchEvent.Object;
        var resourceVersion = entity?.Metadata?.ResourceVersion;
        switch (watchEvent.Type)
        {
            case WatchEventType.Bookmark:
                break;
            case WatchEventType.Added or WatchEventType.Modified when entity is not null:
                DropManagedFields(entity);
                var previous = cache.Upsert(entity);
                if (previous is null)
                {
                    Publish(new EntityEvent<TEntity>(EntityEventType.Added, entity));
                }
                else if (previous.ResourceVersion() != resourceVersion)
                {
                    Publish(new EntityEvent<TEntity>(EntityEventType.Modified, entity, previous));
                }

                break;
            case WatchEventType.Deleted when entity is not null:
                cache.Remove(EntityKey.Of(entity));
                Publish(new EntityEvent<TEntity>(EntityEventType.Deleted, entity));
                break;
            default:
                LogUnexpectedEvent(watchEvent.Type);
                break;
        }

        if (!string.IsNullOrEmpty(resourceVersion))
        {
            ResourceVersion = resourceVersion;
        }
    }

    private void Publish(IEnumerable<EntityEvent<TEntity>> changes)
    {
        foreach (var change in changes)
        {
            Publish(change);
        }
    }

    private void Publish(EntityEvent<TEntity> change)
    {
        OwnWrites.Observe(change);
        Action<EntityEvent<TEntity>>[] current;
        lock (handlersGate)
        {
            current = [.. handlers];
        }

        foreach (var handler in current)
        {
            try
            {
                handler(change);
            }
            catch (Exception exception)
            {
                // One faulty handler must not stop the cache from following the server.
                LogHandlerFailed(exception, change.Type, EntityKey.Of(change.Entity));
            }
        }
    }

    private TimeSpan BackoffFor(int failuresInARow, Exception exception)
    {
        // 410 Gone is routine (etcd compaction): re-list at once the first time.
        if (failuresInARow == 1 && ApiErrors.IsGone(exception))
        {
            return TimeSpan.Zero;
        }

        var ticks = settings.InitialBackoff.Ticks * Math.Pow(2, failuresInARow - 1);
        return ticks >= settings.MaxBackoff.Ticks ? settings.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Count} objects at resourceVersion {ResourceVersion}")]
    private partial void LogListed(int count, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Watch from resourceVersion {ResourceVersion} expired (410 Gone); re-listing in {Delay}")]
    private partial void LogWatchExpired(string? resourceVersion, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "List/watch failed ({Failures} in a row); re-listing in {Delay}")]
    private partial void LogWatchFailed(Exception exception, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring an unexpected watch event of type {Type}")]
    private partial void LogUnexpectedEvent(WatchEventType type);

    [LoggerMessage(Level = LogLevel.Error, Message = "An event handler failed on {Type} of {Key}")]
    private partial void LogHandlerFailed(Exception exception, EntityEventType type, string key);
}
