using System.Text.Json.Nodes;
using PveSimulator.Tasks;

namespace PveSimulator.Api;

/// <summary>POST /nodes/{node}/lxc/{vmid}/status/{start|stop|shutdown|reboot}: each answers a UPID.</summary>
internal sealed class PowerActionEndpoints(SimulatorServices services)
{
    private static readonly ParameterSpec SkipLock = new("skiplock", ParameterType.Boolean);

    public IEnumerable<ApiEndpoint> All()
    {
        IReadOnlyList<ParameterSpec> stopParameters = services.Release.HasOverruleShutdown
            ? [SkipLock, new ParameterSpec("overrule-shutdown", ParameterType.Boolean)]
            : [SkipLock];
        return
        [
            Endpoint(PowerAction.Start, "start", [SkipLock, new ParameterSpec("debug", ParameterType.Boolean)]),
            Endpoint(PowerAction.Stop, "stop", stopParameters),
            Endpoint(PowerAction.Shutdown, "shutdown", [new ParameterSpec("timeout", ParameterType.Integer, Minimum: 0), new ParameterSpec("forceStop", ParameterType.Boolean)]),
            Endpoint(PowerAction.Reboot, "reboot", [new ParameterSpec("timeout", ParameterType.Integer, Minimum: 0)]),
        ];
    }

    private ApiEndpoint Endpoint(PowerAction action, string name, IReadOnlyList<ParameterSpec> parameters) =>
        new("POST", $"/nodes/{{node}}/lxc/{{vmid}}/status/{name}", EndpointScope.NodeDaemon, RequiredAccess.VmPowerMgmt, call => Submit(call, action))
        {
            Parameters = parameters,
            PowerAction = name,
        };

    private Task<JsonNode?> Submit(ApiCall call, PowerAction action)
    {
        // Only the user root@pam itself may skip locks; tokens, even root@pam's, may not.
        if (call.Parameters.GetBoolean("skiplock") == true)
        {
            throw PveApiException.InvalidParameter("skiplock", "Only root may use this option.");
        }

        var shutdown = new ShutdownRequest(
            (int)Math.Min(call.Parameters.GetInteger("timeout") ?? ShutdownRequest.Default.TimeoutSeconds, int.MaxValue),
            call.Parameters.GetBoolean("forceStop") ?? false);
        var upid = services.PowerActions.Submit(action, call.Node, call.Vmid, call.Token, shutdown);
        return Task.FromResult<JsonNode?>(JsonValue.Create(upid));
    }
}
