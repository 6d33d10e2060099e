namespace PveOperator.Runtime;

/// <summary>
/// A rate-limited work queue with client-go's guarantees:
/// <list type="bullet">
/// <item>an item waits in the queue at most once, however often it is added (dedupe);</item>
/// <item>an item being processed is handed to no other worker; added again meanwhile, it is queued
/// once more when the first worker calls <see cref="Done"/>;</item>
/// <item><see cref="AddAfter"/> keeps only the earliest pending delay per item;</item>
/// <item><see cref="AddRateLimited"/> uses the item's own backoff, reset by <see cref="Forget"/>.</item>
/// <item>items added with <see cref="AddLowPriority"/> (bulk work: everything at start-up, every container of a
/// provider) are handed out only when no other item waits, so a task poll or a spec change does not wait behind
/// thousands of them; a normal add of an item waiting there moves it forward (controller-runtime's priority queue).</item>
/// </list>
/// Delays run on the given <see cref="TimeProvider"/>, so tests can drive them with a fake clock.
/// </summary>
internal sealed class WorkQueue<T> : IDisposable
    where T : class
{
    private readonly Lock gate = new();
    private readonly Queue<T> queue = new();
    // Low-priority lane. It may hold stale entries (items since moved forward or handed out): those are skipped.
    private readonly Queue<T> lowQueue = new();
    // Dirty items whose every add since they were last handed out was low priority.
    private readonly HashSet<T> lowOnly = [];
    private readonly HashSet<T> dirty = [];
    private readonly HashSet<T> processing = [];
    private readonly Dictionary<T, PendingAdd> pendingAdds = [];
    private readonly Dictionary<T, long> queuedSince = [];
    private readonly Dictionary<T, long> processingSince = [];

    // Counts up once per item put into the queue; a worker waits on it. It can run ahead of the queue
    // (a worker that finds the queue empty simply waits again) but never behind, so no wake-up is lost.
    private readonly SemaphoreSlim itemsQueued = new(0);
    private readonly CancellationTokenSource shutdown = new();
    private readonly TaskCompletionSource drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IRateLimiter<T> rateLimiter;
    private readonly TimeProvider timeProvider;
    private readonly WorkQueueMetrics? metrics;
    // Items waiting for a worker, in either lane.
    private int waiting;

    public WorkQueue(IRateLimiter<T> rateLimiter, TimeProvider timeProvider, WorkQueueMetrics? metrics = null)
    {
        this.rateLimiter = rateLimiter;
        this.timeProvider = timeProvider;
        this.metrics = metrics;
    }

    /// <summary>Items waiting for a worker (not counting those in process or in a delay).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return waiting;
            }
        }
    }

    public bool IsShuttingDown => shutdown.IsCancellationRequested;

    public void Add(T item) => Add(item, lowPriority: false);

    /// <summary>Adds the item behind every normally added one (bulk work); an earlier or later normal add wins.</summary>
    public void AddLowPriority(T item) => Add(item, lowPriority: true);

    private void Add(T item, bool lowPriority)
    {
        lock (gate)
        {
            if (IsShuttingDown)
            {
                return;
            }

            if (!dirty.Add(item))
            {
                if (!lowPriority && lowOnly.Remove(item) && !processing.Contains(item))
                {
                    // Waiting in the low lane: move it forward; its entry there is skipped later.
                    queue.Enqueue(item);
                    itemsQueued.Release();
                }

                return;
            }

            metrics?.Adds.Inc();
            if (lowPriority)
            {
                lowOnly.Add(item);
            }

            if (processing.Contains(item))
            {
                // Queued again by Done, so no two workers ever hold the same item.
                return;
            }

            Enqueue(item);
        }
    }

    /// <summary>
    /// The longest delay <see cref="AddAfter"/> waits: timers refuse more than about 49.7 days, and nothing the
    /// operator schedules should wait longer than a day anyway.
    /// </summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    /// <summary>Adds the item once the delay (at most <see cref="MaxDelay"/>) has passed; a zero or negative delay adds it now.</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        if (delay > MaxDelay)
        {
            delay = MaxDelay;
        }

        lock (gate)
        {
            if (IsShuttingDown)
            {
                return;
            }

            var readyAt = timeProvider.GetUtcNow() + delay;
            if (pendingAdds.TryGetValue(item, out var existing))
            {
                if (existing.ReadyAt <= readyAt)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            // The timer first: should it throw, no half-made entry may stay behind to swallow every later AddAfter.
            var pending = new PendingAdd(readyAt);
            pending.Timer = timeProvider.CreateTimer(_ => AddWhenDue(item, pending), null, delay, Timeout.InfiniteTimeSpan);
            pendingAdds[item] = pending;
        }
    }

    /// <summary>Adds the item after its backoff (one more failure counted).</summary>
    public void AddRateLimited(T item)
    {
        if (IsShuttingDown)
        {
            return;
        }

        metrics?.Retries.Inc();
        AddAfter(item, rateLimiter.When(item));
    }

    /// <summary>The item succeeded: reset its backoff.</summary>
    public void Forget(T item) => rateLimiter.Forget(item);

    public int NumRequeues(T item) => rateLimiter.NumRequeues(item);

    /// <summary>
    /// Waits for the next item and marks it as in process; the caller must call <see cref="Done"/>.
    /// Returns null once the queue is shut down and empty.
    /// </summary>
    public async Task<T?> GetAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.Token);
        while (true)
        {
            lock (gate)
            {
                if (TryDequeue(out var item))
                {
                    dirty.Remove(item);
                    lowOnly.Remove(item);
                    waiting--;
                    processing.Add(item);
                    var now = timeProvider.GetTimestamp();
                    if (queuedSince.Remove(item, out var since))
                    {
                        metrics?.QueueDuration.Observe(timeProvider.GetElapsedTime(since, now).TotalSeconds);
                    }

                    processingSince[item] = now;
                    metrics?.Depth.Set(waiting);
                    return item;
                }

                if (IsShuttingDown)
                {
                    return null;
                }
            }

            try
            {
                await itemsQueued.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Shut down: loop once more to hand out what is left, then return null.
            }
        }
    }

    /// <summary>Marks the item as processed; if it was added meanwhile, it is queued again.</summary>
    public void Done(T item)
    {
        lock (gate)
        {
            processing.Remove(item);
            if (processingSince.Remove(item, out var since))
            {
                metrics?.WorkDuration.Observe(timeProvider.GetElapsedTime(since).TotalSeconds);
            }

            if (dirty.Contains(item))
            {
                Enqueue(item);
            }

            if (IsShuttingDown && processing.Count == 0)
            {
                drained.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Stops accepting items and drops pending delayed adds. Items already queued are still handed
    /// out by <see cref="GetAsync"/>; after them it returns null.
    /// </summary>
    public void ShutDown()
    {
        lock (gate)
        {
            if (IsShuttingDown)
            {
                return;
            }

            foreach (var pending in pendingAdds.Values)
            {
                pending.Timer.Dispose();
            }

            pendingAdds.Clear();
            shutdown.Cancel();
            if (processing.Count == 0)
            {
                drained.TrySetResult();
            }
        }
    }

    /// <summary>Shuts down, then waits until every item in process is <see cref="Done"/>.</summary>
    public async Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        ShutDown();
        await drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Shuts down. The token source and semaphore are left to the garbage collector on purpose: a
    /// reconcile that ignored cancellation may still come back later and call Done or GetAsync.
    /// </summary>
    public void Dispose() => ShutDown();

    private void Enqueue(T item)
    {
        (lowOnly.Contains(item) ? lowQueue : queue).Enqueue(item);
        waiting++;
        queuedSince[item] = timeProvider.GetTimestamp();
        metrics?.Depth.Set(waiting);
        itemsQueued.Release();
    }

    /// <summary>The next waiting item, normal lane first, skipping entries that no longer stand for a waiting item.</summary>
    private bool TryDequeue(out T item)
    {
        while (queue.TryDequeue(out item!))
        {
            if (dirty.Contains(item) && !processing.Contains(item))
            {
                return true;
            }
        }

        while (lowQueue.TryDequeue(out item!))
        {
            if (dirty.Contains(item) && !processing.Contains(item) && lowOnly.Contains(item))
            {
                return true;
            }
        }

        return false;
    }

    private void AddWhenDue(T item, PendingAdd pending)
    {
        lock (gate)
        {
            // A later, earlier-due AddAfter may have replaced this one, or the queue shut down.
            if (!pendingAdds.TryGetValue(item, out var current) || !ReferenceEquals(current, pending))
            {
                return;
            }

            pendingAdds.Remove(item);
            pending.Timer.Dispose();
        }

        Add(item);
    }

    private sealed class PendingAdd(DateTimeOffset readyAt)
    {
        public DateTimeOffset ReadyAt { get; } = readyAt;

        public ITimer Timer { get; set; } = null!;
    }
}
