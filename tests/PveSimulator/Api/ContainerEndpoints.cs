using System.Text.Json.Nodes;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>Reads of one container: status/current, config and interfaces.</summary>
internal sealed class ContainerEndpoints(SimulatorServices services)
{
    public IEnumerable<ApiEndpoint> All() =>
    [
        new("GET", "/nodes/{node}/lxc/{vmid}/status/current", EndpointScope.NodeDaemon, RequiredAccess.VmAudit, StatusCurrent),
        new("GET", "/nodes/{node}/lxc/{vmid}/config", EndpointScope.NodeDaemon, RequiredAccess.VmAudit, Config)
        {
            Parameters = [new ParameterSpec("current", ParameterType.Boolean), new ParameterSpec("snapshot", ParameterType.String)],
        },
        new("GET", "/nodes/{node}/lxc/{vmid}/pending", EndpointScope.NodeDaemon, RequiredAccess.VmAudit, Pending),
        new("GET", "/nodes/{node}/lxc/{vmid}/interfaces", EndpointScope.NodeDaemon, RequiredAccess.VmAudit, Interfaces)
        {
            ExistsIn = release => release.HasInterfacesEndpoint,
        },
    ];

    private Task<JsonNode?> StatusCurrent(ApiCall call) =>
        Task.FromResult<JsonNode?>(ContainerJson.StatusCurrent(LoadConfig(call), services.Release, services.Now));

    private Task<JsonNode?> Config(ApiCall call)
    {
        var current = call.Parameters.GetBoolean("current") == true;
        var snapshot = call.Parameters.GetString("snapshot");
        if (current && snapshot is not null)
        {
            const string Both = "cannot use 'snapshot' parameter with 'current'";
            throw PveApiException.InvalidParameters(new Dictionary<string, string> { ["current"] = Both, ["snapshot"] = Both });
        }

        var container = LoadConfig(call);
        if (snapshot is { Length: > 0 })
        {
            throw new PveApiException(500, $"snapshot '{snapshot}' does not exist");
        }

        return Task.FromResult<JsonNode?>(ContainerJson.Config(container, current));
    }

    private Task<JsonNode?> Pending(ApiCall call) => Task.FromResult<JsonNode?>(ContainerJson.Pending(LoadConfig(call)));

    private Task<JsonNode?> Interfaces(ApiCall call)
    {
        // get_interfaces finds no pid for a stopped (or absent) CT and returns undef, which is "data":null.
        var container = services.Cluster.ViewContainer(call.Vmid);
        if (container is null || container.Node != call.Node || !container.Running)
        {
            return Task.FromResult<JsonNode?>(null);
        }

        return Task.FromResult<JsonNode?>(ContainerJson.Interfaces(container, services.Release, services.Now, services.Options.DhcpDelay));
    }

    /// <summary>load_config on the node that runs the handler: a CT on another node is as missing as an absent one.</summary>
    private ContainerView LoadConfig(ApiCall call)
    {
        var container = services.Cluster.ViewContainer(call.Vmid);
        return container is not null && container.Node == call.Node
            ? container
            : throw PveApiException.ConfigMissing(call.Node, call.Vmid);
    }
}
