namespace PveOperator.Runtime;

/// <summary>
/// Decides whether an event is new or a repeat of a recent identical one, like client-go's event
/// correlator: remembers the most recently used <c>capacity</c> events.
/// </summary>
internal sealed class EventAggregator(int capacity, TimeSpan window)
{
    private readonly Lock gate = new();
    private readonly Dictionary<EventIdentity, LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> recency = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    /// <summary>
    /// Counts one occurrence at <paramref name="now"/>. A repeat within the window of the last
    /// occurrence gets the existing event's name and its new count; anything else is new and will be
    /// known as <paramref name="nameIfNew"/>.
    /// </summary>
    public EventAggregation Observe(EventIdentity identity, DateTimeOffset now, string nameIfNew)
    {
        lock (gate)
        {
            if (entries.TryGetValue(identity, out var node) && now - node.Value.LastSeen <= window)
            {
                var entry = node.Value;
                entry.Count++;
                entry.LastSeen = now;
                recency.Remove(node);
                recency.AddFirst(node);
                return new EventAggregation(false, entry.EventName, entry.Count, entry.FirstSeen);
            }

            if (node is not null)
            {
                recency.Remove(node);
                entries.Remove(identity);
            }

            var fresh = recency.AddFirst(new Entry(identity, nameIfNew, now));
            entries[identity] = fresh;
            while (entries.Count > capacity && recency.Last is { } oldest)
            {
                recency.RemoveLast();
                entries.Remove(oldest.Value.Identity);
            }

            return new EventAggregation(true, nameIfNew, 1, now);
        }
    }

    /// <summary>Forgets an event whose write failed or that no longer exists, so the next one is created anew.</summary>
    public void Forget(EventIdentity identity, string eventName)
    {
        lock (gate)
        {
            if (entries.TryGetValue(identity, out var node) && node.Value.EventName == eventName)
            {
                recency.Remove(node);
                entries.Remove(identity);
            }
        }
    }

    private sealed class Entry(EventIdentity identity, string eventName, DateTimeOffset firstSeen)
    {
        public EventIdentity Identity { get; } = identity;

        public string EventName { get; } = eventName;

        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public DateTimeOffset LastSeen { get; set; } = firstSeen;

        public int Count { get; set; } = 1;
    }
}
