using System.Text.Json.Nodes;

namespace PveSimulator.Api;

/// <summary>/version, /cluster/status, /cluster/resources and /nodes: answered by the pveproxy the client talks to.</summary>
internal sealed class ClusterEndpoints(SimulatorServices services)
{
    private static readonly string[] ResourceTypes = ["vm", "storage", "node", "sdn"];

    public IEnumerable<ApiEndpoint> All() =>
    [
        new("GET", "/version", EndpointScope.Cluster, RequiredAccess.Authenticated, Version),
        new("GET", "/cluster/status", EndpointScope.Cluster, RequiredAccess.SysAuditOnRoot, ClusterStatus),
        new("GET", "/cluster/resources", EndpointScope.Cluster, RequiredAccess.Authenticated, Resources)
        {
            Parameters = [new ParameterSpec("type", ParameterType.String, AllowedValues: ResourceTypes)],
        },
        new("GET", "/nodes", EndpointScope.Cluster, RequiredAccess.Authenticated, Nodes),
    ];

    private Task<JsonNode?> Version(ApiCall call) => Task.FromResult<JsonNode?>(new JsonObject
    {
        ["release"] = services.Release.Release,
        ["version"] = services.Release.Version,
        ["repoid"] = services.Release.RepoId,
    });

    private Task<JsonNode?> ClusterStatus(ApiCall call)
    {
        var nodes = services.Cluster.Nodes();
        var clusterName = services.Options.ClusterName;
        var entries = new JsonArray();
        if (clusterName is not null)
        {
            entries.Add(new JsonObject
            {
                ["type"] = "cluster",
                ["id"] = "cluster",
                ["name"] = clusterName,
                ["nodes"] = nodes.Count,
                // corosync config_version: bumped on every membership change, never 0.
                ["version"] = nodes.Count + 1,
                ["quorate"] = nodes.Count(n => n.Online) * 2 > nodes.Count ? 1 : 0,
            });
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            entries.Add(new JsonObject
            {
                ["type"] = "node",
                ["id"] = $"node/{node.Name}",
                ["name"] = node.Name,
                // Standalone nodes report nodeid 0; the first node is the one the client talks to.
                ["nodeid"] = clusterName is null ? 0 : node.NodeId,
                ["local"] = i == 0 ? 1 : 0,
                ["online"] = node.Online ? 1 : 0,
                ["ip"] = node.Ip,
                ["level"] = "",
            });
        }

        return Task.FromResult<JsonNode?>(entries);
    }

    private Task<JsonNode?> Resources(ApiCall call)
    {
        var type = call.Parameters.GetString("type");
        if (services.Options.ResourcesRefreshInterval <= TimeSpan.Zero)
        {
            // No refresh interval means no lag: every answer is sampled fresh.
            services.Cluster.RefreshResources();
        }

        var entries = new JsonArray();
        var now = services.Now;
        if (type is null or "vm")
        {
            foreach (var (live, sample) in services.Cluster.ViewResources())
            {
                if (call.Token.Has("VM.Audit"))
                {
                    entries.Add(ContainerJson.ResourceEntry(live, sample, now));
                }
            }
        }

        if (type is null or "node" && call.Token.Has("Sys.Audit"))
        {
            var containers = services.Cluster.ViewContainers();
            foreach (var node in services.Cluster.Nodes())
            {
                var entry = new JsonObject
                {
                    ["id"] = $"node/{node.Name}",
                    ["type"] = "node",
                    ["node"] = node.Name,
                    ["status"] = node.Online ? "online" : "offline",
                    ["level"] = "",
                    ["cgroup-mode"] = 2,
                };
                if (node.Online)
                {
                    NodeStats.For(node, containers, services.BootTime, now).AddTo(entry);
                }

                entries.Add(entry);
            }
        }

        // Storage and SDN entries are not simulated: an empty list is a valid answer for them.
        return Task.FromResult<JsonNode?>(entries);
    }

    private Task<JsonNode?> Nodes(ApiCall call)
    {
        var containers = services.Cluster.ViewContainers();
        var now = services.Now;
        var entries = new JsonArray();
        foreach (var node in services.Cluster.Nodes())
        {
            var entry = new JsonObject
            {
                ["node"] = node.Name,
                ["status"] = node.Online ? "online" : "offline",
                ["id"] = $"node/{node.Name}",
                ["type"] = "node",
                ["level"] = "",
                ["ssl_fingerprint"] = services.CertificateFingerprint,
            };

            // Stats come from the RRD and are hidden without Sys.Audit on the node.
            if (node.Online && call.Token.Has("Sys.Audit"))
            {
                NodeStats.For(node, containers, services.BootTime, now).AddTo(entry);
            }

            entries.Add(entry);
        }

        return Task.FromResult<JsonNode?>(entries);
    }
}
