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
        // Plain RequestDelegates: minimal-API parameter binding would compile expression trees for every
        // simulator instance, which costs a test hundreds of milliseconds on its first request.
        Map(routes, "GET", "/counters", _ => Task.FromResult(Counters()));
        Map(routes, "POST", "/counters/reset", _ => Done(services.Counters.Reset));
        Map(routes, "GET", "/containers", _ => Task.FromResult(Results.Json(services.Cluster.Containers.Select(ContainerSpec.From), AdminJson.Options)));
        Map(routes, "POST", "/containers", AddContainer);
        Map(routes, "DELETE", "/containers/{vmid:int}", http => Done(() => services.Cluster.RemoveContainer(Vmid(http))));
        Map(routes, "POST", "/containers/{vmid:int}/state", http => Done(() => services.Cluster.SetContainerStatus(Vmid(http), Flag(http, "running"))));
        Map(routes, "POST", "/containers/{vmid:int}/migrate", http => Done(() => services.Cluster.MigrateContainer(Vmid(http), Query(http, "target") ?? throw new ArgumentException("target is missing"))));
        Map(routes, "GET", "/containers/{vmid:int}/config", http => Task.FromResult(ConfigFile(Vmid(http))));
        Map(routes, "POST", "/containers/{vmid:int}/config", ChangeConfig);
        Map(routes, "POST", "/containers/{vmid:int}/lock", http => Done(() => services.Cluster.SetLock(Vmid(http), Query(http, "name"))));
        Map(routes, "POST", "/nodes", AddNode);
        Map(routes, "POST", "/nodes/{name}/online", http => Done(() => services.Cluster.SetNodeOnline((string)http.GetRouteValue("name")!, Flag(http, "online"))));
        Map(routes, "GET", "/storages", _ => Task.FromResult(Results.Json(services.Cluster.Storages, AdminJson.Options)));
        Map(routes, "POST", "/storages", AddStorage);
        Map(routes, "DELETE", "/storages/{id}", http => Done(() => services.Cluster.RemoveStorage((string)http.GetRouteValue("id")!)));
        Map(routes, "POST", "/resources/refresh", _ => Done(services.Cluster.RefreshResources));
        Map(routes, "GET", "/tasks", _ => Task.FromResult(Tasks()));
        Map(routes, "GET", "/faults", _ => Task.FromResult(Faults()));
        Map(routes, "POST", "/faults", SetFaults);
        Map(routes, "DELETE", "/faults", _ => Done(services.Faults.Clear));
    }

    private static void Map(IEndpointRouteBuilder routes, string method, string pattern, Func<HttpContext, Task<IResult>> handler) =>
        routes.MapMethods("/_sim" + pattern, [method], new RequestDelegate(async http =>
        {
            var result = http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
                ? await handler(http)
                : Results.StatusCode(StatusCodes.Status403Forbidden);
            await result.ExecuteAsync(http);
        }));

    private static int Vmid(HttpContext http) => int.Parse((string)http.GetRouteValue("vmid")!, CultureInfo.InvariantCulture);

    private static string? Query(HttpContext http, string name) => http.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    private static bool Flag(HttpContext http, string name) => Query(http, name) switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new ArgumentException($"{name} must be true or false"),
    };

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
            tasks = services.Counters.TaskSnapshot(),
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

    private async Task<IResult> AddStorage(HttpContext http)
    {
        var storage = await ReadAsync<SimStorage>(http);
        return storage is null
            ? BadRequest("expected a storage object")
            : Run(() => services.Cluster.AddStorage(storage), StatusCodes.Status201Created);
    }

    private IResult ConfigFile(int vmid)
    {
        var config = services.Cluster.WithContainer(vmid, c => c.Config.Clone());
        return config is null
            ? Results.Json(new { error = $"container {vmid} does not exist in the simulator" }, AdminJson.Options, statusCode: StatusCodes.Status404NotFound)
            : Results.Json(new { current = config.Current, pending = config.Pending, pendingDeletes = config.PendingDeletes, digest = config.Digest, file = config.Render() }, AdminJson.Options);
    }

    /// <summary>
    /// Edits a CT's config behind the API's back (drift), as a user of the PVE GUI or of /etc/pve would: the body is
    /// an object of key → value (string, number or boolean) or null to delete; with ?pending=1 the change goes into
    /// the pending section instead; with ?beforeNextWrite=1 it is held back and written just before the next PUT
    /// config's digest check (a deterministic digest conflict). No validation, no privilege, no lock check.
    /// </summary>
    private async Task<IResult> ChangeConfig(HttpContext http)
    {
        var vmid = Vmid(http);
        var changes = await ReadAsync<Dictionary<string, JsonElement>>(http);
        if (changes is null)
        {
            return BadRequest("expected an object of config keys");
        }

        var pending = Query(http, "pending") is "1" or "true";
        if (Query(http, "beforeNextWrite") is "1" or "true")
        {
            if (services.Cluster.GetContainer(vmid) is null)
            {
                return Results.Json(new { error = $"container {vmid} does not exist in the simulator" }, AdminJson.Options, statusCode: StatusCodes.Status404NotFound);
            }

            services.Faults.ChangeConfigBeforeNextWrite(vmid, changes.ToDictionary(c => c.Key, c => ConfigText(c.Value), StringComparer.Ordinal));
            return Results.StatusCode(StatusCodes.Status204NoContent);
        }

        var found = services.Cluster.WithContainer(vmid, container =>
        {
            foreach (var (key, value) in changes)
            {
                var text = ConfigText(value);
                if (pending)
                {
                    if (text is null)
                    {
                        container.Config.DeletePending(key);
                    }
                    else
                    {
                        container.Config.SetPending(key, text);
                    }
                }
                else
                {
                    container.Config.Set(key, text);
                }
            }

            return true;
        });
        return found
            ? Results.StatusCode(StatusCodes.Status204NoContent)
            : Results.Json(new { error = $"container {vmid} does not exist in the simulator" }, AdminJson.Options, statusCode: StatusCodes.Status404NotFound);
    }

    private static string? ConfigText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        _ => value.GetRawText(),
    };

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

    private static Task<IResult> Done(Action change) => Task.FromResult(Run(change));

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
