using System.Collections.Concurrent;
using PveSimulator.Model;

namespace PveSimulator;

/// <summary>
/// Requests served, per endpoint template and method, e.g. "GET /cluster/resources",
/// "GET /nodes/{node}/lxc/{vmid}/status/current", "POST /nodes/{node}/lxc/{vmid}/status/start".
/// Every request that reached an API endpoint counts, including those answered 401, 403 or with an injected fault.
/// </summary>
public sealed class RequestCounters
{
    private readonly ConcurrentDictionary<string, long> requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Vmid, string Action), long> powerActions = new();
    private readonly ConcurrentDictionary<int, long> containerRequests = new();
    private readonly ConcurrentDictionary<(int Vmid, string Action), long> faultedPowerActions = new();
    private readonly ConcurrentDictionary<string, long> tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NodeLoadGauge> nodeLoad = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Vmid, string Kind), long> lifecycleRequests = new();
    private readonly ConcurrentDictionary<string, long> failedTasks = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TaskFailure> taskFailures = new();

    /// <summary>
    /// Raised on the request's thread as soon as a power action (vmid, action) arrives, before it is served; lets a
    /// benchmark time a reaction without polling. Handlers must be quick and must not throw.
    /// </summary>
    public event Action<int, string>? PowerActionReceived;

    public long Get(string methodAndTemplate) => this.requests.GetValueOrDefault(methodAndTemplate);

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(this.requests, StringComparer.Ordinal);

    /// <summary>Requests whose path names this container (/nodes/{node}/lxc/{vmid}/...), of any kind.</summary>
    public long ContainerRequests(int vmid) => containerRequests.GetValueOrDefault(vmid);

    /// <summary>Power actions received for one container, e.g. ("start", 101) → 1.</summary>
    public long PowerActions(int vmid, string action) => powerActions.GetValueOrDefault((vmid, action));

    /// <summary>
    /// Power actions of <see cref="PowerActions"/> that PVE never acted on because an injected fault answered them, their
    /// connection was dropped, or their node was offline (595): a client was right to send those again.
    /// </summary>
    public long FaultedPowerActions(int vmid, string action) => faultedPowerActions.GetValueOrDefault((vmid, action));

    /// <summary>Worker tasks started, by task type ("vzcreate", "vzclone", "vzstart", "resize", ...).</summary>
    public long Tasks(string taskType) => this.tasks.GetValueOrDefault(taskType);

    /// <summary>
    /// Create, clone and destroy requests that reached their handler (authenticated, parameters well-formed) for one
    /// container, whatever their answer: kind "create" (POST /nodes/{node}/lxc, by its vmid), "clone" (POST
    /// .../clone, by its newid) or "destroy" (DELETE /nodes/{node}/lxc/{vmid}); a destroy with a flag set also counts as
    /// "destroy+force", "destroy+purge" and "destroy+destroy-unreferenced-disks".
    /// </summary>
    public long LifecycleRequests(int vmid, string kind) => lifecycleRequests.GetValueOrDefault((vmid, kind));

    /// <summary>Worker tasks that ended with an error, by task type ("vzcreate", "vzstart", ...).</summary>
    public long FailedTasks(string taskType) => failedTasks.GetValueOrDefault(taskType);

    /// <summary>Every task that ended with an error, in the order they ended: type, id (the UPID's) and exit status.</summary>
    public IReadOnlyList<TaskFailure> TaskFailures() => taskFailures.ToArray();

    public IReadOnlyDictionary<string, long> TaskSnapshot() => new SortedDictionary<string, long>(this.tasks, StringComparer.Ordinal);

    /// <summary>Highest number of requests in flight at once on one node's daemon endpoints.</summary>
    /// <remarks>Counts requests from arrival to answer, including those queued for a worker, so a client exceeding its own limit shows.</remarks>
    public int MaxInFlightPerNode(string node) => nodeLoad.TryGetValue(node, out var gauge) ? gauge.MaxArrived : 0;

    /// <summary>Highest number of one node's daemon requests being served at once (never above DaemonWorkersPerNode).</summary>
    public int MaxServingPerNode(string node) => nodeLoad.TryGetValue(node, out var gauge) ? gauge.MaxServing : 0;

    /// <summary>Daemon requests of one node that arrived and are not answered yet.</summary>
    public int InFlight(string node) => nodeLoad.TryGetValue(node, out var gauge) ? gauge.Arrived : 0;

    /// <summary>Sum of all request counts.</summary>
    public long Total => this.requests.Values.Sum();

    public void Reset()
    {
        this.requests.Clear();
        powerActions.Clear();
        containerRequests.Clear();
        faultedPowerActions.Clear();
        this.tasks.Clear();
        lifecycleRequests.Clear();
        failedTasks.Clear();
        taskFailures.Clear();
        foreach (var gauge in nodeLoad.Values)
        {
            gauge.ResetMaxima();
        }
    }

    internal void CountRequest(string methodAndTemplate) => this.requests.AddOrUpdate(methodAndTemplate, 1, (_, count) => count + 1);

    internal void CountContainerRequest(int vmid) => containerRequests.AddOrUpdate(vmid, 1, (_, count) => count + 1);

    internal void CountPowerAction(int vmid, string action)
    {
        powerActions.AddOrUpdate((vmid, action), 1, (_, count) => count + 1);
        PowerActionReceived?.Invoke(vmid, action);
    }

    internal void CountTask(string taskType) => this.tasks.AddOrUpdate(taskType, 1, (_, count) => count + 1);

    internal void CountLifecycleRequest(int vmid, string kind) => lifecycleRequests.AddOrUpdate((vmid, kind), 1, (_, count) => count + 1);

    internal void CountFailedTask(string taskType, string id, string exitStatus)
    {
        failedTasks.AddOrUpdate(taskType, 1, (_, count) => count + 1);
        taskFailures.Enqueue(new TaskFailure(taskType, id, exitStatus));
    }

    internal void CountFaultedPowerAction(int vmid, string action) => faultedPowerActions.AddOrUpdate((vmid, action), 1, (_, count) => count + 1);

    internal IReadOnlyDictionary<(int Vmid, string Action), long> PowerActionSnapshot() => new Dictionary<(int, string), long>(powerActions);

    internal IReadOnlyDictionary<string, (int MaxInFlight, int MaxServing)> NodeLoadSnapshot() =>
        nodeLoad.ToDictionary(pair => pair.Key, pair => (pair.Value.MaxArrived, pair.Value.MaxServing), StringComparer.Ordinal);

    /// <summary>Marks a daemon request of the node as arrived until the returned scope is disposed.</summary>
    internal IDisposable TrackArrival(string node)
    {
        var gauge = Gauge(node);
        gauge.Arrive();
        return new ScopeExit(gauge.Leave);
    }

    /// <summary>Marks a daemon request of the node as being served by a worker until the returned scope is disposed.</summary>
    internal IDisposable TrackServing(string node)
    {
        var gauge = Gauge(node);
        gauge.StartServing();
        return new ScopeExit(gauge.StopServing);
    }

    private NodeLoadGauge Gauge(string node) => nodeLoad.GetOrAdd(node, _ => new NodeLoadGauge());
}

/// <summary>A worker task that ended with an error: its type, its UPID's id and its exit status (PVE's error text).</summary>
public sealed record TaskFailure(string Type, string Id, string ExitStatus);
