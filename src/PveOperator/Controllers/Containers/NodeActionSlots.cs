namespace PveOperator.Controllers;

/// <summary>
/// Limits the power actions in flight per PVE node. A slot is held by a container key from the POST until its task
/// is seen ending, so a burst of starts queues here instead of failing inside PVE on lock timeouts.
/// </summary>
/// <remarks>
/// Keys that find their node full wait in line: when a slot frees, the first waiter is woken through
/// <c>wake</c> (its reconcile is queued at once) and the slot is kept for it for a short grace period, so waiting
/// containers need no polling. A wake that is not taken up in time (the container no longer needs a slot, or its
/// reconcile is slow) passes to the next waiter.
/// </remarks>
internal sealed class NodeActionSlots(int maxPerNode, Action<string>? wake = null, TimeProvider? clock = null) : IDisposable
{
    /// <summary>How long a freed slot stays kept for the waiter it woke.</summary>
    public static readonly TimeSpan WakeGrace = TimeSpan.FromSeconds(2);

    private readonly Lock gate = new();
    private readonly Dictionary<string, NodeLine> nodes = new(StringComparer.Ordinal);
    private readonly TimeProvider time = clock ?? TimeProvider.System;

    public int MaxPerNode { get; } = maxPerNode;

    /// <summary>Takes a slot on the node for the key; true also when the key already holds one there. When false, the key waits in line.</summary>
    public bool TryAcquire(string node, string key)
    {
        List<string> woken;
        lock (gate)
        {
            var line = Line(node);
            if (line.Holders.Contains(key))
            {
                return true;
            }

            var now = time.GetUtcNow();
            line.ExpireWakes(now);
            var keptForOthers = line.Woken.Count - (line.Woken.ContainsKey(key) ? 1 : 0);
            if (line.Holders.Count + keptForOthers < MaxPerNode)
            {
                line.Holders.Add(key);
                line.Woken.Remove(key);
                line.RemoveWaiter(key);
                return true;
            }

            line.Woken.Remove(key);
            line.AddWaiter(key);
            woken = WakeWaiters(node, line, now);
        }

        Wake(woken);
        return false;
    }

    /// <summary>
    /// Whether <see cref="TryAcquire"/> would succeed now, without taking anything. When it would not, the key joins the
    /// line as TryAcquire would have made it, so that a freed slot wakes it.
    /// </summary>
    public bool HasRoom(string node, string key)
    {
        lock (gate)
        {
            var line = Line(node);
            if (line.Holders.Contains(key))
            {
                return true;
            }

            line.ExpireWakes(time.GetUtcNow());
            var keptForOthers = line.Woken.Count - (line.Woken.ContainsKey(key) ? 1 : 0);
            if (line.Holders.Count + keptForOthers < MaxPerNode)
            {
                return true;
            }

            line.Woken.Remove(key);
            line.AddWaiter(key);
            return false;
        }
    }

    /// <summary>Takes a slot even when the node is full: a task found pending after a restart is already running in PVE.</summary>
    public void Hold(string node, string key)
    {
        lock (gate)
        {
            var line = Line(node);
            line.Holders.Add(key);
            line.Woken.Remove(key);
            line.RemoveWaiter(key);
        }
    }

    /// <summary>Gives back whatever slot the key holds, on any node, and stops it waiting; the freed slot wakes the next waiter.</summary>
    public void Release(string key)
    {
        var woken = new List<string>();
        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var (node, line) in nodes)
            {
                var changed = line.Holders.Remove(key) | line.Woken.Remove(key);
                line.RemoveWaiter(key);
                if (changed)
                {
                    woken.AddRange(WakeWaiters(node, line, now));
                }
            }
        }

        Wake(woken);
    }

    public int InUse(string node)
    {
        lock (gate)
        {
            return nodes.TryGetValue(node, out var line) ? line.Holders.Count : 0;
        }
    }

    /// <summary>Keys waiting in line for a slot on the node.</summary>
    public int Waiting(string node)
    {
        lock (gate)
        {
            return nodes.TryGetValue(node, out var line) ? line.Waiters.Count : 0;
        }
    }

    /// <summary>Stops the per-node recheck timers: the provider is gone.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            foreach (var line in nodes.Values)
            {
                line.Recheck?.Dispose();
                line.Recheck = null;
            }
        }
    }

    private NodeLine Line(string node)
    {
        if (!nodes.TryGetValue(node, out var line))
        {
            nodes[node] = line = new NodeLine();
        }

        return line;
    }

    /// <summary>Wakes as many waiters as there are free slots (not kept for others); under the lock.</summary>
    private List<string> WakeWaiters(string node, NodeLine line, DateTimeOffset now)
    {
        var woken = new List<string>();
        if (wake is null)
        {
            return woken;
        }

        line.ExpireWakes(now);
        while (line.Holders.Count + line.Woken.Count < MaxPerNode && line.Waiters.First is { } first)
        {
            line.RemoveWaiter(first.Value);
            line.Woken[first.Value] = now + WakeGrace;
            woken.Add(first.Value);
        }

        if (line.Woken.Count > 0)
        {
            // Should a woken key not take its slot, look again when its grace ends.
            line.Recheck ??= time.CreateTimer(_ => Recheck(node), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            line.Recheck.Change(WakeGrace + TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        }

        return woken;
    }

    private void Recheck(string node)
    {
        List<string> woken;
        lock (gate)
        {
            woken = nodes.TryGetValue(node, out var line) ? WakeWaiters(node, line, time.GetUtcNow()) : [];
        }

        Wake(woken);
    }

    private void Wake(List<string> keys)
    {
        foreach (var key in keys)
        {
            wake!(key);
        }
    }

    private sealed class NodeLine
    {
        private readonly Dictionary<string, LinkedListNode<string>> waiting = new(StringComparer.Ordinal);

        public HashSet<string> Holders { get; } = new(StringComparer.Ordinal);
        /// <summary>Woken keys and until when their slot is kept for them.</summary>
        public Dictionary<string, DateTimeOffset> Woken { get; } = new(StringComparer.Ordinal);
        public LinkedList<string> Waiters { get; } = new();
        public ITimer? Recheck { get; set; }

        public void AddWaiter(string key)
        {
            if (!waiting.ContainsKey(key))
            {
                waiting[key] = Waiters.AddLast(key);
            }
        }

        public void RemoveWaiter(string key)
        {
            if (waiting.Remove(key, out var entry))
            {
                Waiters.Remove(entry);
            }
        }

        public void ExpireWakes(DateTimeOffset now)
        {
            foreach (var (key, until) in Woken)
            {
                if (until <= now)
                {
                    Woken.Remove(key);
                }
            }
        }
    }
}
