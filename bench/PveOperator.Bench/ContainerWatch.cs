using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Autorest;

namespace PveOperator.Bench;

/// <summary>
/// Follows every LxcContainer of a namespace through a watch: how many are settled (Ready in their desired state),
/// and how many updates (changes to the stored object) the API server sent.
/// <para>
/// It lists and watches across all namespaces and keeps those of its own. A list within one namespace and a GET of one
/// namespaced custom object look the same in kube-apiserver 1.20's request counters (both LIST, scope "namespace"):
/// listing cluster-wide keeps every LIST of LxcContainers in the bench at scope "cluster", so that
/// <see cref="RequestCounts"/> can tell the operator's GETs apart.
/// </para>
/// </summary>
internal sealed class ContainerWatch : IAsyncDisposable
{
    private readonly IKubernetes client;
    private readonly string @namespace;
    private readonly ConcurrentDictionary<string, Lxc> objects = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly Stopwatch clock;
    private readonly Task loop;
    private long modified;
    private long statusChanges;
    private int lists;
    private int settled;
    private volatile string? failure;

    public ContainerWatch(IKubernetes client, string @namespace, Stopwatch clock)
    {
        this.client = client;
        this.@namespace = @namespace;
        this.clock = clock;
        loop = Task.Run(RunAsync);
    }

    public int Count => objects.Count;
    public int SettledCount => Volatile.Read(ref settled);
    /// <summary>MODIFIED events so far (each one a real change of the stored object).</summary>
    public long Modified => Interlocked.Read(ref modified);
    /// <summary>MODIFIED events whose status differed from the previous one.</summary>
    public long StatusChanges => Interlocked.Read(ref statusChanges);
    /// <summary>When (on the run's clock) the settled count last reached the number of objects.</summary>
    public TimeSpan? AllSettledAt { get; private set; }
    public string? Failure => failure;
    /// <summary>How many times it listed: once at the start, again after each failed watch.</summary>
    public int Lists => Volatile.Read(ref lists);

    public Lxc? Get(string name) => objects.GetValueOrDefault(name);

    private bool Mine(Lxc item) => item.Metadata.NamespaceProperty == @namespace;

    public void ResetAllSettled() => AllSettledAt = null;

    private async Task RunAsync()
    {
        string? resourceVersion = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await client.CustomObjects.ListCustomObjectForAllNamespacesAsync<LxcList>(
                        Lxc.Group, Lxc.Version, Lxc.Plural, cancellationToken: stop.Token);
                    Interlocked.Increment(ref lists);
                    foreach (var item in list.Items.Where(Mine))
                    {
                        Apply(WatchEventType.Added, item);
                    }

                    resourceVersion = list.Metadata.ResourceVersion;
                }

                var response = client.CustomObjects.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<LxcList>(
                    Lxc.Group, Lxc.Version, Lxc.Plural, watch: true, resourceVersion: resourceVersion,
                    allowWatchBookmarks: true, timeoutSeconds: 600, cancellationToken: stop.Token);
#pragma warning disable CS0618 // the typed watch is the only one for custom resources
                await foreach (var (type, item) in response.WatchAsync<Lxc, LxcList>(onError: e => throw e, cancellationToken: stop.Token))
#pragma warning restore CS0618
                {
                    resourceVersion = item.Metadata.ResourceVersion ?? resourceVersion;
                    if (type != WatchEventType.Bookmark && Mine(item))
                    {
                        Apply(type, item);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException error) when (error.InnerException is EndOfStreamException)
            {
                // A quiet watch ended without a line: watch again from where we were.
            }
            catch (Exception error) when (error is KubernetesException or HttpOperationException)
            {
                // 410 Gone or similar: list again.
                failure = error.Message;
                resourceVersion = null;
                await Task.Delay(200, stop.Token).ConfigureAwait(false);
            }
        }
    }

    private void Apply(WatchEventType type, Lxc item)
    {
        var name = item.Metadata.Name;
        lock (objects)
        {
            objects.TryGetValue(name, out var previous);
            if (type == WatchEventType.Deleted)
            {
                objects.TryRemove(name, out _);
            }
            else
            {
                objects[name] = item;
            }

            if (type == WatchEventType.Modified)
            {
                Interlocked.Increment(ref modified);
                if (previous?.Status?.GetRawText() != item.Status?.GetRawText())
                {
                    Interlocked.Increment(ref statusChanges);
                }
            }

            var before = previous?.Settled == true ? 1 : 0;
            var after = type != WatchEventType.Deleted && item.Settled ? 1 : 0;
            var now = Interlocked.Add(ref settled, after - before);
            if (after > before && now == objects.Count && AllSettledAt is null)
            {
                AllSettledAt = clock.Elapsed;
            }
        }
    }

    /// <summary>Waits until every one of <paramref name="expected"/> objects is settled; false on timeout.</summary>
    public async Task<bool> WaitAllSettledAsync(int expected, TimeSpan timeout, Action<int>? progress, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (deadline.Elapsed < timeout)
        {
            if (Count == expected && SettledCount == expected)
            {
                return true;
            }

            if (progress is not null && deadline.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = deadline.Elapsed;
                progress(SettledCount);
            }

            await Task.Delay(20, cancellationToken);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }
}
