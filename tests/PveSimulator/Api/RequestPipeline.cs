using System.Globalization;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>
/// The path every API request takes, in pveproxy's order: count → fault: drop → authenticate (401) →
/// resolve {node} (500/595) → wait for a daemon worker → fault: latency and error → permission (403) →
/// parameters (400) → handler.
/// </summary>
internal sealed class RequestPipeline(SimulatorServices services)
{
    public const string ApiPrefix = "/api2/json";

    private const int MinimumVmid = 100;
    private const int MaximumVmid = 999_999_999;

    public async Task HandleAsync(HttpContext http, ApiEndpoint endpoint)
    {
        var node = http.GetRouteValue("node") as string;
        services.Counters.CountRequest(endpoint.CounterKey);
        if (endpoint.HasVmid && TryParseVmid(http, out var countedVmid))
        {
            services.Counters.CountContainerRequest(countedVmid);
            if (endpoint.PowerAction is { } action)
            {
                services.Counters.CountPowerAction(countedVmid, action);
            }
        }

        using var arrival = endpoint.Scope == EndpointScope.NodeDaemon && node is not null ? services.Counters.TrackArrival(node) : null;
        if (arrival is not null)
        {
            // The request has left the node once its answer starts: counted later, a client that sends its next request
            // on the answer would briefly be seen with one more in flight than it ever had.
            http.Response.OnStarting(() =>
            {
                arrival.Dispose();
                return Task.CompletedTask;
            });
        }
        // Waits (worker queue, latency, 401 delay) end when the client leaves or the simulator stops.
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, services.Stopping);
        try
        {
            await ServeAsync(http, endpoint, node, waits.Token);
        }
        catch (PveApiException error)
        {
            if (error.StatusCode == StatusCodes.Status401Unauthorized && services.Options.UnauthorizedDelay > TimeSpan.Zero)
            {
                // Real pveproxy delays every 401 by 3 s to slow down guessing.
                await Task.Delay(services.Options.UnauthorizedDelay, services.Time, waits.Token);
            }

            await services.Writer.WriteErrorAsync(http, error);
        }
    }

    private async Task ServeAsync(HttpContext http, ApiEndpoint endpoint, string? node, CancellationToken waits)
    {
        if (!endpoint.ExistsIn(services.Release))
        {
            throw PveApiException.NotImplemented(endpoint.Method, RelativePath(http));
        }

        if (services.Faults.ShouldDropConnection())
        {
            CountFaultedPowerAction(http, endpoint);
            http.Abort();
            return;
        }

        // /access/ticket is exempt from authentication and CSRF checks (pve-manager HTTPServer.pm).
        var token = endpoint.Anonymous ? ApiToken.Anonymous : services.Authenticator.Authenticate(http.Request);
        if (endpoint.Scope != EndpointScope.Cluster && node is not null)
        {
            try
            {
                CheckNodeReachable(node);
            }
            catch (PveApiException)
            {
                CountFaultedPowerAction(http, endpoint);
                throw;
            }
        }

        using var worker = endpoint.Scope == EndpointScope.NodeDaemon && node is not null
            ? await services.Workers.AcquireAsync(node, waits)
            : null;
        using var serving = worker is not null ? services.Counters.TrackServing(node!) : null;

        var latency = services.Faults.AddedLatency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, services.Time, waits);
        }

        if (services.Faults.PickError(endpoint.Method, endpoint.Template) is { } fault)
        {
            CountFaultedPowerAction(http, endpoint);
            throw fault.IsProxyError ? PveApiException.Proxy(fault.StatusCode, fault.ReasonPhrase) : new PveApiException(fault.StatusCode, fault.ReasonPhrase);
        }

        CheckPermission(http, endpoint, token, node);
        if (endpoint.HasVmid)
        {
            ValidateVmid(http);
        }

        var parameters = await RequestParameters.ReadAsync(http.Request, http.RequestAborted);
        parameters.Validate(endpoint.Parameters, endpoint.PathParameters);

        var call = new ApiCall(http, token, parameters);
        var data = await endpoint.Handler(call);
        await services.Writer.WriteDataAsync(http, data, call.ExtraFields);
    }

    private void CountFaultedPowerAction(HttpContext http, ApiEndpoint endpoint)
    {
        if (endpoint.PowerAction is { } action && endpoint.HasVmid && TryParseVmid(http, out var vmid))
        {
            services.Counters.CountFaultedPowerAction(vmid, action);
        }
    }

    private void CheckNodeReachable(string node)
    {
        var known = services.Cluster.FindNode(node)
            ?? throw new PveApiException(500, $"hostname lookup '{node}' failed - failed to get address info for: {node}: Name or service not known");
        if (!known.Online)
        {
            // pveproxy cannot reach the node's own pveproxy/pvedaemon.
            throw PveApiException.Proxy(595, "No route to host");
        }
    }

    private static void CheckPermission(HttpContext http, ApiEndpoint endpoint, ApiToken token, string? node)
    {
        var vmid = http.GetRouteValue("vmid") as string;
        (string Path, string Privilege)? needed = endpoint.Access switch
        {
            RequiredAccess.SysAuditOnRoot => ("/", "Sys.Audit"),
            RequiredAccess.SysAuditOnNode => ($"/nodes/{node}", "Sys.Audit"),
            RequiredAccess.VmAudit => ($"/vms/{vmid}", "VM.Audit"),
            RequiredAccess.VmPowerMgmt => ($"/vms/{vmid}", "VM.PowerMgmt"),
            RequiredAccess.VmAllocate => ($"/vms/{vmid}", "VM.Allocate"),
            RequiredAccess.VmMigrate => ($"/vms/{vmid}", "VM.Migrate"),
            RequiredAccess.VmConfigDisk => ($"/vms/{vmid}", "VM.Config.Disk"),
            RequiredAccess.VmConfigAny => ($"/vms/{vmid}", "VM.Config.Disk|VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.Options"),
            _ => null,
        };
        // "A|B" means any one of them will do (check_any).
        if (needed is { } need && !need.Privilege.Split('|').Any(token.Has))
        {
            throw PveApiException.PermissionDenied(need.Path, need.Privilege);
        }
    }

    private static void ValidateVmid(HttpContext http)
    {
        var raw = http.GetRouteValue("vmid") as string ?? "";
        if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var vmid))
        {
            throw PveApiException.InvalidParameter("vmid", $"type check ('integer') failed - got '{raw}'");
        }

        if (vmid < MinimumVmid)
        {
            throw PveApiException.InvalidParameter("vmid", $"value must have a minimum value of {MinimumVmid}");
        }

        if (vmid > MaximumVmid)
        {
            throw PveApiException.InvalidParameter("vmid", $"value must have a maximum value of {MaximumVmid}");
        }
    }

    private static bool TryParseVmid(HttpContext http, out int vmid) =>
        int.TryParse(http.GetRouteValue("vmid") as string, NumberStyles.None, CultureInfo.InvariantCulture, out vmid);

    /// <summary>The path as PVE names it in messages: without "/api2/json".</summary>
    public static string RelativePath(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        return path.StartsWith(ApiPrefix, StringComparison.Ordinal) ? path[ApiPrefix.Length..] : path;
    }
}
