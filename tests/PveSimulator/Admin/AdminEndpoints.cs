using System.Globalization;
using System.Net;
using System.Text.Json;
using PveSimulator.Api;

namespace PveSimulator.Admin;

/// <summary>
/// /_sim/...: lets out-of-process users (benchmarks, the demo) read counters and change state or faults.
/// No PVE auth, loopback callers only.
/// </summary>
internal sealed class AdminEndpoints(SimulatorServices services)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/_sim").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
                ? await next(context)
                : Results.StatusCode(StatusCodes.Status403Forbidden));

        admin.MapGet("/counters", Counters);
        admin.MapPost("/counters/reset", () => Run(services.Counters.Reset));
        admin.MapGet("/containers", () => Results.Json(services.Cluster.Containers.Select(ContainerSpec.From), AdminJson.Options));
        admin.MapPost("/containers", (Func<HttpContext, Task<IResult>>)AddContainer);
        admin.MapDelete("/containers/{vmid:int}", (int vmid) => Run(() => services.Cluster.RemoveContainer(vmid)));
        admin.MapPost("/containers/{vmid:int}/state", (int vmid, bool running) => Run(() => services.Cluster.SetContainerStatus(vmid, running)));
        admin.MapPost("/containers/{vmid:int}/migrate", (int vmid, string target) => Run(() => services.Cluster.MigrateContainer(vmid, target)));
        admin.MapPost("/containers/{vmid:int}/lock", (int vmid, string? name) => Run(() => services.Cluster.SetLock(vmid, name)));
        admin.MapPost("/nodes", (Func<HttpContext, Task<IResult>>)AddNode);
        admin.MapPost("/nodes/{name}/online", (string name, bool online) => Run(() => services.Cluster.SetNodeOnline(name, online)));
        admin.MapPost("/resources/refresh", () => Run(services.Cluster.RefreshResources));
        admin.MapGet("/tasks", Tasks);
        admin.MapGet("/faults", Faults);
        admin.MapPost("/faults", (Func<HttpContext, Task<IResult>>)SetFaults);
        admin.MapDelete("/faults", () => Run(services.Faults.Clear));
    }

    private IResult Counters()
    {
        var powerActions = services.Counters.PowerActionSnapshot()
            .GroupBy(pair => pair.Key.Vmid)
            .OrderBy(group => group.Key)
            .ToDictionary(
                group => group.Key.ToString(CultureInfo.InvariantCulture),
                group => group.ToDictionary(pair => pair.Key.Action, pair => pair.Value));
        var load = services.Counters.NodeLoadSnapshot();
        return Results.Json(new
        {
            requests = services.Counters.Snapshot(),
            total = services.Counters.Total,
            powerActions,
            maxInFlightPerNode = load.ToDictionary(pair => pair.Key, pair => pair.Value.MaxInFlight),
            maxServingPerNode = load.ToDictionary(pair => pair.Key, pair => pair.Value.MaxServing),
        }, AdminJson.Options);
    }

    private async Task<IResult> AddContainer(HttpContext http)
    {
        var spec = await ReadAsync<ContainerSpec>(http);
        if (spec is null)
        {
            return BadRequest("expected a container object");
        }

        var firstNode = services.Cluster.NodeNames.FirstOrDefault();
        if (firstNode is null)
        {
            return BadRequest("the simulator has no node yet");
        }

        return Run(() => services.Cluster.AddContainer(spec.ToContainer(firstNode)), StatusCodes.Status201Created);
    }

    private async Task<IResult> AddNode(HttpContext http)
    {
        var spec = await ReadAsync<NodeSpec>(http);
        return spec is null
            ? BadRequest("expected a node object")
            : Run(() => services.Cluster.AddNode(spec.Name, spec.Ip ?? "127.0.0.1", spec.Online), StatusCodes.Status201Created);
    }

    private IResult Tasks() => Results.Json(
        services.Tasks.All().Select(task => new { upid = task.Upid, node = task.Node, type = task.Type, id = task.Id, status = task.IsRunning ? "running" : "stopped", exitstatus = task.ExitStatus }),
        AdminJson.Options);

    private IResult Faults() => Results.Json(new FaultSpec
    {
        ErrorRates = services.Faults.Rules().Select(r => new ErrorRateSpec(r.Method, r.Template, r.Rate, r.StatusCode, r.ReasonPhrase)).ToArray(),
        AddedLatencyMs = services.Faults.AddedLatency.TotalMilliseconds,
        DropConnectionRate = services.Faults.DropConnectionRate,
    }, AdminJson.Options);

    private async Task<IResult> SetFaults(HttpContext http)
    {
        var spec = await ReadAsync<FaultSpec>(http);
        return spec is null ? BadRequest("expected a fault object") : Run(() => spec.ApplyTo(services.Faults));
    }

    private static async Task<T?> ReadAsync<T>(HttpContext http)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, AdminJson.Options, http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Runs a state change and maps the simulator's argument errors to 400/404 with the text.</summary>
    private static IResult Run(Action change, int successStatus = StatusCodes.Status204NoContent)
    {
        try
        {
            change();
            return Results.StatusCode(successStatus);
        }
        catch (KeyNotFoundException error)
        {
            return Results.Json(new { error = error.Message }, AdminJson.Options, statusCode: StatusCodes.Status404NotFound);
        }
        catch (ArgumentException error)
        {
            return BadRequest(error.Message);
        }
    }

    private static IResult BadRequest(string message) =>
        Results.Json(new { error = message }, AdminJson.Options, statusCode: StatusCodes.Status400BadRequest);
}
