namespace PveOperator.Runtime;

/// <summary>
/// A source of events that do not come from the API server (controller-runtime's <c>source.Channel</c>): one controller
/// publishes, the controllers that watch it map each event to the keys to reconcile. Handlers run on the publisher's
/// thread and only enqueue, so publishing is cheap.
/// </summary>
internal sealed class EventChannel<T>
{
    private readonly Lock gate = new();
    private Action<T>[] handlers = [];

    public void Publish(T item)
    {
        foreach (var handler in Volatile.Read(ref handlers))
        {
            handler(item);
        }
    }

    public void Subscribe(Action<T> handler)
    {
        lock (gate)
        {
            handlers = [.. handlers, handler];
        }
    }
}
