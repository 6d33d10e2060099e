using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace PveOperator.Runtime;

/// <summary>
/// The reconcile loop of one kind: informer events (and mapped events of secondary kinds) put keys
/// into a rate-limited work queue; workers reconcile each key from the informer's cache, or from the answer to the
/// operator's own last write of that object while the cache has not caught up with it (<see cref="OwnWrites{TEntity}"/>).
/// Create through <see cref="ControllerManager.AddController{TEntity}"/>.
/// </summary>
internal sealed partial class Controller<TEntity> : IController
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private const int FinalizerRemovalAttempts = 5;

    private readonly IReconciler<TEntity> reconciler;
    private readonly OwnWriteRecordingClient<TEntity> client;
    private readonly EntityInformer<TEntity> informer;
    private readonly OwnWrites<TEntity> ownWrites;
    private readonly ControllerOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider clock;
    private readonly CollectorRegistry registry;
    private readonly ControllerMetrics metrics;
    private readonly List<IInformer> watchedInformers;
    private readonly IInformerProvider? informers;
    private volatile WorkQueue<string>? queue;
    private long reconciles;

    public Controller(
        IReconciler<TEntity> reconciler,
        IEntityClient<TEntity> client,
        EntityInformer<TEntity> informer,
        ControllerOptions options,
        ILogger logger,
        TimeProvider? timeProvider = null,
        CollectorRegistry? registry = null,
        IInformerProvider? informers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentReconciles, 1);
        this.reconciler = reconciler;
        ownWrites = informer.OwnWrites;
        this.client = new OwnWriteRecordingClient<TEntity>(client, ownWrites);
        this.informer = informer;
        this.options = options;
        this.logger = logger;
        clock = timeProvider ?? TimeProvider.System;
        this.registry = registry ?? Metrics.DefaultRegistry;
        this.informers = informers;
        Name = options.Name ?? EntityMetadata.For<TEntity>().Kind.ToLowerInvariant();
        metrics = new ControllerMetrics(this.registry, Name);
        watchedInformers = [informer];
        informer.AddHandler(change =>
        {
            if (!(options.IgnoreStatusOnlyUpdates && IsStatusOnlyUpdate(change)))
            {
                Enqueue(EntityKey.Of(change.Entity));
            }
        });
    }

    public string Name { get; }

    /// <summary>The informer's cache of the primary kind, e.g. for index look-ups in mapping functions.</summary>
    public IEntityCache<TEntity> Cache => informer.Cache;

    /// <summary>Whether workers are running (between start and stop of <see cref="RunAsync"/>).</summary>
    public bool IsRunning => queue is not null;

    /// <summary>Queues a key for reconciling; ignored while the controller is not running (not leading).</summary>
    public void Enqueue(string key) => queue?.Add(key);

    /// <summary>
    /// Queues a key behind every normally queued one: for bulk work (every object of a kind), so that it does not hold
    /// up polls and changes already waiting. Ignored while the controller is not running.
    /// </summary>
    public void EnqueueLowPriority(string key) => queue?.AddLowPriority(key);

    /// <summary>Queues a key after a delay; ignored while the controller is not running.</summary>
    public void EnqueueAfter(string key, TimeSpan delay) => queue?.AddAfter(key, delay);

    /// <summary>
    /// Reconciles the primary objects whose keys <paramref name="map"/> returns whenever an object of the
    /// secondary kind changes (for an update, keys for both the old and the new state, so that a dropped
    /// reference is noticed too). E.g. a Secret → the providers that reference it.
    /// </summary>
    public Controller<TEntity> Watches<TSecondary>(Func<TSecondary, IEnumerable<string>> map)
        where TSecondary : class, IKubernetesObject<V1ObjectMeta> =>
        Watches((informers ?? throw new InvalidOperationException("This controller has no informer provider; pass the informer."))
            .GetInformer<TSecondary>(), map);

    /// <summary>
    /// Caches the reconciler reads without watching them (a container its provider): the first reconcile waits until
    /// each has its first list, since an empty cache would read as "that object was deleted". Caches it does not
    /// name do not hold its start back.
    /// </summary>
    public Controller<TEntity> ReadsFrom(params IInformer[] caches)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("Name the caches a controller reads before it starts.");
        }

        watchedInformers.AddRange(caches.Where(cache => !watchedInformers.Contains(cache)));
        return this;
    }

    /// <summary>As <see cref="Watches{TSecondary}(Func{TSecondary, IEnumerable{string}})"/>, with an explicit informer.</summary>
    public Controller<TEntity> Watches<TSecondary>(EntityInformer<TSecondary> secondary, Func<TSecondary, IEnumerable<string>> map)
        where TSecondary : class, IKubernetesObject<V1ObjectMeta>
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("Add watches before the controller starts.");
        }

        watchedInformers.Add(secondary);
        secondary.AddHandler(change =>
        {
            var keys = map(change.Entity);
            if (change.Previous is not null)
            {
                keys = keys.Concat(map(change.Previous));
            }

            foreach (var key in keys.Distinct(StringComparer.Ordinal))
            {
                Enqueue(key);
            }
        });
        return this;
    }

    /// <summary>
    /// Reconciles what <paramref name="map"/> asks for whenever <paramref name="channel"/> carries an event (a provider's
    /// sync found changed containers, say). Events published while the controller is not running are dropped: it starts
    /// from everything cached anyway.
    /// </summary>
    public Controller<TEntity> Watches<TEvent>(EventChannel<TEvent> channel, Func<TEvent, IEnumerable<ReconcileRequest>> map)
    {
        channel.Subscribe(item =>
        {
            foreach (var request in map(item))
            {
                if (request.Bulk)
                {
                    EnqueueLowPriority(request.Key);
                }
                else
                {
                    Enqueue(request.Key);
                }
            }
        });
        return this;
    }

    /// <summary>
    /// Reconciles the keys <paramref name="map"/> returns for each change of the primary kind itself, seen with its event
    /// type and previous state: e.g. the other resources that wait for a deleted one.
    /// </summary>
    public Controller<TEntity> WatchesOwnChanges(Func<EntityEvent<TEntity>, IEnumerable<string>> map)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("Add watches before the controller starts.");
        }

        informer.AddHandler(change =>
        {
            foreach (var key in map(change))
            {
                Enqueue(key);
            }
        });
        return this;
    }

    public async Task RunAsync(CancellationToken stop, CancellationToken abort)
    {
        using var reconcileCancellation = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var rateLimiter = new ExponentialBackoffRateLimiter<string>(options.BackoffBaseDelay, options.BackoffMaxDelay);
        using var workQueue = new WorkQueue<string>(rateLimiter, clock, new WorkQueueMetrics(registry, Name));
        var workers = new List<Task>();
        try
        {
            foreach (var watched in watchedInformers)
            {
                await watched.WaitForSyncAsync(stop).ConfigureAwait(false);
            }

            queue = workQueue;

            // Events seen before this point went nowhere (no queue yet): start from everything cached, as bulk work
            // that a change or a requeue arriving meanwhile goes ahead of.
            foreach (var key in informer.Cache.Keys())
            {
                workQueue.AddLowPriority(key);
            }

            metrics.MaxConcurrentReconciles.Set(options.MaxConcurrentReconciles);
            LogStarted(Name, options.MaxConcurrentReconciles);
            for (var i = 0; i < options.MaxConcurrentReconciles; i++)
            {
                workers.Add(Task.Run(() => WorkAsync(workQueue, stop, reconcileCancellation.Token), CancellationToken.None));
            }

            await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            queue = null;
            workQueue.ShutDown();
            await DrainAsync(workers, reconcileCancellation, abort).ConfigureAwait(false);
            LogStopped(Name);
        }
    }

    /// <summary>
    /// One reconcile of one key, as a worker does it: read (cache or own write), finalizer handling, reconciler call.
    /// Exposed for tests; workers call it through the queue.
    /// </summary>
    internal async Task<ReconcileResult> ReconcileKeyAsync(string key, CancellationToken cancellationToken)
    {
        var entity = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            // Deleted: with a finalizer its cleanup already ran; without one there is nothing to do.
            LogGone(Name, key);
            return ReconcileResult.Done;
        }

        var finalizer = options.FinalizerName;
        if (entity.Metadata.DeletionTimestamp is not null)
        {
            if (finalizer is null || !HasFinalizer(entity, finalizer))
            {
                return ReconcileResult.Done;
            }

            var result = await reconciler.FinalizeAsync(entity, cancellationToken).ConfigureAwait(false);
            if (result.Mode == RequeueMode.None)
            {
                await RemoveFinalizerAsync(entity, finalizer, cancellationToken).ConfigureAwait(false);
            }

            return result;
        }

        if (finalizer is not null && !HasFinalizer(entity, finalizer))
        {
            try
            {
                entity = await PatchFinalizersAsync(entity, [.. Finalizers(entity), finalizer], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (ApiErrors.IsConflict(exception))
            {
                // Changed since the cache's copy: the change's own event requeues it, but the cache may be slow to show
                // it; a fresh read, kept until the cache catches up, lets the retry patch the current version.
                LogConflict(Name, key);
                var (@namespace, name) = EntityKey.Split(key);
                ownWrites.RecordFreshRead(key, await client.GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false));
                return ReconcileResult.Requeue;
            }
            catch (Exception exception) when (ApiErrors.IsNotFound(exception))
            {
                // Deleted while the cache still showed it: its deletion event follows.
                LogGone(Name, key);
                return ReconcileResult.Done;
            }
        }

        return await reconciler.ReconcileAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The object a reconcile decides on, as a copy of its own (reconcilers change what they are given): the cache's,
    /// unless the operator's last write of it is newer than that (then the write's answer: never decide on a status
    /// older than one we wrote), or a write's outcome is unknown (then a read from the API server). Null: gone.
    /// </summary>
    private async Task<TEntity?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var read = ownWrites.Read(key);
        if (read.NeedsFreshRead)
        {
            LogFreshRead(Name, key);
            var (@namespace, name) = EntityKey.Split(key);
            var fresh = await client.GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
            ownWrites.RecordFreshRead(key, fresh);
            return fresh;
        }

        if (read.Entity is null)
        {
            return null;
        }

        if (read.FromOwnWrite)
        {
            LogCacheBehindOwnWrite(Name, key, read.Entity.ResourceVersion());
        }

        return EntityCopy.Of(read.Entity);
    }

    private static bool IsStatusOnlyUpdate(EntityEvent<TEntity> change)
    {
        if (change is not { Type: EntityEventType.Modified, Previous: { } previous })
        {
            return false;
        }

        V1ObjectMeta before = previous.Metadata, after = change.Entity.Metadata;
        return before.Generation == after.Generation
            && before.DeletionTimestamp == after.DeletionTimestamp
            && SameItems(before.Finalizers, after.Finalizers)
            && SameEntries(before.Labels, after.Labels)
            && SameEntries(before.Annotations, after.Annotations);
    }

    private static bool SameItems(IList<string>? left, IList<string>? right) =>
        (left ?? []).SequenceEqual(right ?? []);

    private static bool SameEntries(IDictionary<string, string>? left, IDictionary<string, string>? right) =>
        (left?.Count ?? 0) == (right?.Count ?? 0)
        && (left ?? new Dictionary<string, string>()).All(entry => right!.TryGetValue(entry.Key, out var value) && value == entry.Value);

    private static List<string> Finalizers(TEntity entity) => entity.Metadata.Finalizers?.ToList() ?? [];

    private static bool HasFinalizer(TEntity entity, string finalizer) => entity.Metadata.Finalizers?.Contains(finalizer) == true;

    private async Task WorkAsync(WorkQueue<string> workQueue, CancellationToken stop, CancellationToken reconcileToken)
    {
        try
        {
            while (await workQueue.GetAsync(stop).ConfigureAwait(false) is { } key)
            {
                try
                {
                    await ProcessAsync(workQueue, key, reconcileToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    // Bookkeeping failed after the reconcile (a requeue refused, say): a worker that died here would
                    // leave the controller with fewer workers for good while /healthz stays ok. Retry the key instead.
                    LogWorkerError(exception, Name, key);
                    workQueue.AddAfter(key, TimeSpan.FromSeconds(30));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: leave what is queued.
        }
    }

    private async Task ProcessAsync(WorkQueue<string> workQueue, string key, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new ReconcileScope(Name, key, Interlocked.Increment(ref reconciles)));
        metrics.ActiveWorkers.Inc();
        var started = clock.GetTimestamp();
        try
        {
            var result = await ReconcileKeyAsync(key, cancellationToken).ConfigureAwait(false);
            switch (result.Mode)
            {
                case RequeueMode.None:
                    workQueue.Forget(key);
                    metrics.CountReconcile(ControllerMetrics.SuccessResult);
                    break;
                case RequeueMode.WithBackoff:
                    workQueue.AddRateLimited(key);
                    metrics.CountReconcile(ControllerMetrics.RequeueResult);
                    break;
                case RequeueMode.After:
                    workQueue.Forget(key);
                    workQueue.AddAfter(key, result.Delay);
                    metrics.CountReconcile(ControllerMetrics.RequeueAfterResult);
                    break;
            }

            LogReconciled(Name, key, result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Aborted (leadership lost or shutdown timeout): the next leader reconciles it.
        }
        catch (Exception exception)
        {
            metrics.ReconcileErrors.Inc();
            metrics.CountReconcile(ControllerMetrics.ErrorResult);
            LogReconcileFailed(exception, Name, key, workQueue.NumRequeues(key) + 1);
            workQueue.AddRateLimited(key);
        }
        finally
        {
            metrics.ReconcileTime.Observe(clock.GetElapsedTime(started).TotalSeconds);
            metrics.ActiveWorkers.Dec();
            workQueue.Done(key);
        }
    }

    private async Task DrainAsync(List<Task> workers, CancellationTokenSource reconcileCancellation, CancellationToken abort)
    {
        var all = Task.WhenAll(workers);
        try
        {
            await all.WaitAsync(options.GracefulShutdownTimeout, clock, abort).ConfigureAwait(false);
            return;
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(Name, options.GracefulShutdownTimeout);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Aborted: cancel reconciles in progress at once.
        }

        await reconcileCancellation.CancelAsync().ConfigureAwait(false);
        try
        {
            // Reconcilers that honour their token end now; one that does not is left behind, logged.
            await all.WaitAsync(TimeSpan.FromSeconds(5), clock, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogWorkersStuck(Name);
        }
    }

    private async Task RemoveFinalizerAsync(TEntity entity, string finalizer, CancellationToken cancellationToken)
    {
        var current = entity;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PatchFinalizersAsync(current, [.. Finalizers(current).Where(f => f != finalizer)], cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (ApiErrors.IsConflict(exception) && attempt < FinalizerRemovalAttempts)
            {
                // Someone else changed the object (e.g. another finalizer went): re-read and try again.
                var fresh = await client.GetAsync(current.Metadata.NamespaceProperty, current.Metadata.Name, cancellationToken)
                    .ConfigureAwait(false);
                if (fresh is null || !HasFinalizer(fresh, finalizer))
                {
                    return;
                }

                current = fresh;
            }
            catch (Exception exception) when (ApiErrors.IsNotFound(exception))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Writes the whole finalizer list (a merge patch replaces lists) together with the resourceVersion
    /// it was computed from, so that a concurrent change makes the API server answer 409 Conflict
    /// instead of one writer silently dropping the other's finalizer.
    /// </summary>
    private Task<TEntity> PatchFinalizersAsync(TEntity entity, IReadOnlyList<string> finalizers, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]),
                ["resourceVersion"] = entity.Metadata.ResourceVersion,
            },
        };
        return client.PatchAsync(entity, patch, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Controller} started with {Workers} workers")]
    private partial void LogStarted(string controller, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Controller} stopped")]
    private partial void LogStopped(string controller);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller}: {Key} no longer exists")]
    private partial void LogGone(string controller, string key);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller}: {Key} changed while adding the finalizer; retrying")]
    private partial void LogConflict(string controller, string key);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "{Controller}: the cache is behind our own write of {Key}; reconciling from that write (resourceVersion {ResourceVersion})")]
    private partial void LogCacheBehindOwnWrite(string controller, string key, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller}: a write of {Key} had no answer; reading it from the API server")]
    private partial void LogFreshRead(string controller, string key);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Controller}: reconciled {Key}: {Result}")]
    private partial void LogReconciled(string controller, string key, ReconcileResult result);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller}: reconciling {Key} failed (attempt {Attempt}); retrying with backoff")]
    private partial void LogReconcileFailed(Exception exception, string controller, string key, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller}: reconciles still running after {Timeout}; cancelling them")]
    private partial void LogDrainTimedOut(string controller, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller}: a reconcile ignores cancellation; leaving it behind")]
    private partial void LogWorkersStuck(string controller);

    [LoggerMessage(Level = LogLevel.Error, Message = "Controller {Controller}: the worker failed around {Key}; it carries on and retries the key in 30 s")]
    private partial void LogWorkerError(Exception exception, string controller, string key);
}
