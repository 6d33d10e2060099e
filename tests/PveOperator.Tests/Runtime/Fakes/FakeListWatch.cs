using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using PveOperator.Runtime;

namespace PveOperator.Tests.Runtime.Fakes;

/// <summary>
/// A toy API server for one kind: objects with resourceVersions, an event log that watches replay from
/// a resourceVersion, compaction (watches from before it get 410 Gone) and injectable watch failures.
/// </summary>
internal sealed class FakeListWatch : IListWatch<Widget>
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Widget> objects = [];
    private readonly List<(long ResourceVersion, WatchEventType Type, Widget Object)> log = [];
    private TaskCompletionSource changed = NewSignal();
    private CancellationTokenSource watchesClosing = new();
    private Exception? watchFailure;
    private long resourceVersion = 100;
    private long compactedBefore;

    public int ListCalls { get; private set; }

    public List<string> WatchedFrom { get; } = [];

    public int OpenWatches { get; private set; }

    private int consumed;

    /// <summary>Watch events the reader took and finished with (it asked for the next one after each).</summary>
    public int Consumed => Volatile.Read(ref consumed);

    public Widget Create(string name, int size = 0) => Write(WatchEventType.Added, name, size);

    public Widget Update(string name, int size) => Write(WatchEventType.Modified, name, size);

    /// <summary>A change outside the spec (as a status write): new resourceVersion, same generation.</summary>
    public void TouchStatus(string name)
    {
        lock (gate)
        {
            resourceVersion++;
            var touched = Copy(objects[name], objects[name].Spec.Size, resourceVersion);
            objects[name] = touched;
            log.Add((resourceVersion, WatchEventType.Modified, Copy(touched, touched.Spec.Size, resourceVersion)));
            Signal();
        }
    }

    public void Delete(string name)
    {
        lock (gate)
        {
            var gone = objects[name];
            objects.Remove(name);
            resourceVersion++;
            var last = Copy(gone, gone.Spec.Size, resourceVersion);
            log.Add((resourceVersion, WatchEventType.Deleted, last));
            Signal();
        }
    }

    /// <summary>Sends a bookmark with the current resourceVersion to open watches.</summary>
    public void Bookmark()
    {
        lock (gate)
        {
            resourceVersion++;
            var bookmark = new Widget { Metadata = new V1ObjectMeta { ResourceVersion = resourceVersion.ToString() } };
            log.Add((resourceVersion, WatchEventType.Bookmark, bookmark));
            Signal();
        }
    }

    /// <summary>Forgets the history: a watch from an older resourceVersion now gets 410 Gone.</summary>
    public void Compact()
    {
        lock (gate)
        {
            compactedBefore = resourceVersion;
        }
    }

    /// <summary>Ends every open watch normally, as the server does when a watch times out.</summary>
    public void CloseWatches()
    {
        CancellationTokenSource closing;
        lock (gate)
        {
            closing = watchesClosing;
            watchesClosing = new CancellationTokenSource();
        }

        // Outside the lock: a watcher may resume synchronously and must then see the fresh token.
        closing.Cancel();
    }

    /// <summary>Makes every open watch fail with this exception, and every new one until cleared.</summary>
    public void FailWatches(Exception? failure)
    {
        lock (gate)
        {
            watchFailure = failure;
            Signal();
        }
    }

    /// <summary>Changes the server state without any event reaching the current watches.</summary>
    public void WriteSilently(Action<FakeListWatch> change)
    {
        lock (gate)
        {
            var logLength = log.Count;
            change(this);
            log.RemoveRange(logLength, log.Count - logLength);
            compactedBefore = resourceVersion;
        }
    }

    public Task<EntityListSnapshot<Widget>> ListAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ListCalls++;
            return Task.FromResult(new EntityListSnapshot<Widget>(
                [.. objects.Values.Select(o => Copy(o, o.Spec.Size, long.Parse(o.Metadata.ResourceVersion)))],
                resourceVersion.ToString()));
        }
    }

    public async IAsyncEnumerable<EntityWatchEvent<Widget>> WatchAsync(
        string fromResourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CancellationToken closing;
        lock (gate)
        {
            WatchedFrom.Add(fromResourceVersion);
            if (long.Parse(fromResourceVersion) < compactedBefore)
            {
                throw new KubernetesException(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version" });
            }

            closing = watchesClosing.Token;
            OpenWatches++;
        }

        try
        {
            var from = long.Parse(fromResourceVersion);
            while (true)
            {
                Task signal;
                (long ResourceVersion, WatchEventType Type, Widget Object)[] pending;
                lock (gate)
                {
                    if (watchFailure is not null)
                    {
                        throw watchFailure;
                    }

                    pending = [.. log.Where(entry => entry.ResourceVersion > from)];
                    signal = changed.Task;
                }

                foreach (var entry in pending)
                {
                    from = entry.ResourceVersion;
                    yield return new EntityWatchEvent<Widget>(entry.Type, entry.Object);
                    // Resumed only when the reader asks for the next event: it is done with this one.
                    Interlocked.Increment(ref consumed);
                }

                if (pending.Length > 0)
                {
                    continue;
                }

                try
                {
                    await signal.WaitAsync(closing).WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (closing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
            }
        }
        finally
        {
            lock (gate)
            {
                OpenWatches--;
            }
        }
    }

    private Widget Write(WatchEventType type, string name, int size)
    {
        lock (gate)
        {
            resourceVersion++;
            var widget = objects.TryGetValue(name, out var existing)
                ? Copy(existing, size, resourceVersion)
                : Copy(Widget.Named(name), size, resourceVersion);
            widget.Metadata.Generation = (existing?.Metadata.Generation ?? 0) + 1;
            objects[name] = widget;
            log.Add((resourceVersion, type, Copy(widget, size, resourceVersion)));
            Signal();
            return widget;
        }
    }

    private static Widget Copy(Widget source, int size, long version) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = source.Metadata.Name,
            NamespaceProperty = source.Metadata.NamespaceProperty,
            ResourceVersion = version.ToString(),
            Generation = source.Metadata.Generation,
        },
        Spec = new WidgetSpec { Size = size },
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal()
    {
        changed.TrySetResult();
        changed = NewSignal();
    }
}
