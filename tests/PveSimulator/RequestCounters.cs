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
    private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Vmid, string Action), long> _powerActions = new();
    private readonly ConcurrentDictionary<(int Vmid, string Action), long> _faultedPowerActions = new();
    private readonly ConcurrentDictionary<string, NodeLoadGauge> _nodeLoad = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, long> _vmidRequests = new();

    /// <summary>
    /// Raised on the request's thread as soon as a power action (vmid, action) arrives, before it is served; lets a
    /// benchmark time a reaction without polling. Handlers must be quick and must not throw.
    /// </summary>
    public event Action<int, string>? PowerActionReceived;

    public long Get(string methodAndTemplate) => _requests.GetValueOrDefault(methodAndTemplate);

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_requests, StringComparer.Ordinal);

    /// <summary>Power actions received for one container, e.g. ("start", 101) → 1.</summary>
    public long PowerActions(int vmid, string action) => _powerActions.GetValueOrDefault((vmid, action));

    /// <summary>
    /// Power actions of <see cref="PowerActions"/> that PVE never acted on because an injected fault answered them, their
    /// connection was dropped, or their node was offline (595): a client was right to send those again.
    /// </summary>
    public long FaultedPowerActions(int vmid, string action) => _faultedPowerActions.GetValueOrDefault((vmid, action));

    /// <summary>Highest number of requests in flight at once on one node's daemon endpoints.</summary>
    /// <remarks>Counts requests from arrival to answer, including those queued for a worker, so a client exceeding its own limit shows.</remarks>
    public int MaxInFlightPerNode(string node) => _nodeLoad.TryGetValue(node, out var gauge) ? gauge.MaxArrived : 0;

    /// <summary>Highest number of one node's daemon requests being served at once (never above DaemonWorkersPerNode).</summary>
    public int MaxServingPerNode(string node) => _nodeLoad.TryGetValue(node, out var gauge) ? gauge.MaxServing : 0;

    /// <summary>Daemon requests of one node that arrived and are not answered yet.</summary>
    public int InFlight(string node) => _nodeLoad.TryGetValue(node, out var gauge) ? gauge.Arrived : 0;

    /// <summary>Requests to any endpoint with this {vmid} in its path (status, config, power actions, ...).</summary>
    public long RequestsFor(int vmid) => _vmidRequests.GetValueOrDefault(vmid);

    internal void CountVmidRequest(int vmid) => _vmidRequests.AddOrUpdate(vmid, 1, static (_, n) => n + 1);

    /// <summary>Sum of all request counts.</summary>
    public long Total => _requests.Values.Sum();

    public void Reset()
    {
        _requests.Clear();
        _powerActions.Clear();
        _faultedPowerActions.Clear();
        _vmidRequests.Clear();
        foreach (var gauge in _nodeLoad.Values)
        {
            gauge.ResetMaxima();
        }
    }

    internal void CountRequest(string methodAndTemplate) => _requests.AddOrUpdate(methodAndTemplate, 1, (_, count) => count + 1);

    internal void CountPowerAction(int vmid, string action)
    {
        _powerActions.AddOrUpdate((vmid, action), 1, (_, count) => count + 1);
        PowerActionReceived?.Invoke(vmid, action);
    }

    internal void CountFaultedPowerAction(int vmid, string action) => _faultedPowerActions.AddOrUpdate((vmid, action), 1, (_, count) => count + 1);

    internal IReadOnlyDictionary<(int Vmid, string Action), long> PowerActionSnapshot() => new Dictionary<(int, string), long>(_powerActions);

    internal IReadOnlyDictionary<string, (int MaxInFlight, int MaxServing)> NodeLoadSnapshot() =>
        _nodeLoad.ToDictionary(pair => pair.Key, pair => (pair.Value.MaxArrived, pair.Value.MaxServing), StringComparer.Ordinal);

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

    private NodeLoadGauge Gauge(string node) => _nodeLoad.GetOrAdd(node, _ => new NodeLoadGauge());
}
