namespace PveSimulator;

/// <summary>
/// Requests served, per endpoint template and method, e.g. "GET /cluster/resources",
/// "GET /nodes/{node}/lxc/{vmid}/status/current", "POST /nodes/{node}/lxc/{vmid}/status/start".
/// </summary>
public sealed class RequestCounters
{
    public long Get(string methodAndTemplate) => throw new NotImplementedException();
    public IReadOnlyDictionary<string, long> Snapshot() => throw new NotImplementedException();
    /// <summary>Power actions received for one container, e.g. ("start", 101) → 1.</summary>
    public long PowerActions(int vmid, string action) => throw new NotImplementedException();
    /// <summary>Highest number of requests in flight at once on one node's daemon endpoints.</summary>
    public int MaxInFlightPerNode(string node) => throw new NotImplementedException();
    public void Reset() => throw new NotImplementedException();
}
