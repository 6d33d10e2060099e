namespace PveOperator.Tests.Controllers;

/// <summary>The simulator's request counter keys (method and endpoint template) of the calls the reconcilers make.</summary>
internal static class PveCalls
{
    public const string Status = "GET /nodes/{node}/lxc/{vmid}/status/current";
    public const string Start = "POST /nodes/{node}/lxc/{vmid}/status/start";
    public const string Shutdown = "POST /nodes/{node}/lxc/{vmid}/status/shutdown";
    public const string Task = "GET /nodes/{node}/tasks/{upid}/status";
    public const string Interfaces = "GET /nodes/{node}/lxc/{vmid}/interfaces";
    public const string Config = "GET /nodes/{node}/lxc/{vmid}/config";
    public const string Pending = "GET /nodes/{node}/lxc/{vmid}/pending";
    public const string UpdateConfig = "PUT /nodes/{node}/lxc/{vmid}/config";
    public const string Resize = "PUT /nodes/{node}/lxc/{vmid}/resize";
    public const string Migrate = "POST /nodes/{node}/lxc/{vmid}/migrate";
    public const string Reboot = "POST /nodes/{node}/lxc/{vmid}/status/reboot";
    public const string ClusterResources = "GET /cluster/resources";
    public const string ClusterStatus = "GET /cluster/status";
    public const string Version = "GET /version";

    /// <summary>What was counted after <paramref name="before"/> and not before it, one entry per request, sorted.</summary>
    public static List<string> Since(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.SelectMany(pair => Enumerable.Repeat(pair.Key, (int)(pair.Value - before.GetValueOrDefault(pair.Key))))
            .Order(StringComparer.Ordinal)
            .ToList();
}
