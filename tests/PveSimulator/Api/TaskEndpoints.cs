using System.Text.Json.Nodes;
using PveSimulator.Tasks;

namespace PveSimulator.Api;

/// <summary>GET /nodes/{node}/tasks/{upid}/status and .../log.</summary>
internal sealed class TaskEndpoints(SimulatorServices services)
{
    public IEnumerable<ApiEndpoint> All() =>
    [
        new("GET", "/nodes/{node}/tasks/{upid}/status", EndpointScope.NodeDaemon, RequiredAccess.Authenticated, Status),
        new("GET", "/nodes/{node}/tasks/{upid}/log", EndpointScope.NodeDaemon, RequiredAccess.Authenticated, Log)
        {
            Parameters =
            [
                new ParameterSpec("start", ParameterType.Integer, Minimum: 0),
                new ParameterSpec("limit", ParameterType.Integer, Minimum: 0),
                new ParameterSpec("download", ParameterType.Boolean),
            ],
        },
    ];

    private Task<JsonNode?> Status(ApiCall call)
    {
        var task = FindVisibleTask(call);
        var status = new JsonObject
        {
            ["upid"] = task.Upid,
            ["node"] = task.Node,
            ["pid"] = task.Pid,
            ["pstart"] = task.ProcessStart,
            ["starttime"] = task.StartTime,
            ["type"] = task.Type,
            ["id"] = task.Id,
            ["user"] = task.UserId,
        };
        if (task.TokenName.Length > 0)
        {
            // Tasks of a user logged in with a ticket have no tokenid.
            status["tokenid"] = task.TokenName;
        }

        // Read once: the task may end between two reads.
        var exitStatus = task.ExitStatus;
        status["status"] = exitStatus is null ? "running" : "stopped";
        if (exitStatus is not null)
        {
            status["exitstatus"] = exitStatus;
        }

        return Task.FromResult<JsonNode?>(status);
    }

    private Task<JsonNode?> Log(ApiCall call)
    {
        var task = FindVisibleTask(call);
        var lines = task.LogLines();
        var start = (int)Math.Min(call.Parameters.GetInteger("start") ?? 0, int.MaxValue);
        var limit = (int)Math.Min(call.Parameters.GetInteger("limit") ?? 50, int.MaxValue);
        var page = new JsonArray();
        foreach (var (line, index) in lines.Select((line, index) => (line, index)).Skip(start).Take(limit))
        {
            page.Add(new JsonObject { ["n"] = index + 1, ["t"] = line });
        }

        call.ExtraFields["total"] = lines.Count;
        return Task.FromResult<JsonNode?>(page);
    }

    private SimTask FindVisibleTask(ApiCall call)
    {
        var upid = call.Route("upid");
        if (!TaskRegistry.IsWellFormed(upid))
        {
            throw PveApiException.InvalidParameter("upid", "unable to parse worker upid");
        }

        var task = services.Tasks.Find(upid);
        if (task is null || task.Node != call.Node || services.Faults.ForgetTasks)
        {
            throw PveApiException.InvalidParameter("upid", "no such task");
        }

        // A token sees its own tasks; anything else needs Sys.Audit on the node.
        if (task.CreatorTokenId != call.Token.TokenId && !call.Token.Has("Sys.Audit"))
        {
            throw PveApiException.PermissionDenied($"/nodes/{call.Node}", "Sys.Audit");
        }

        return task;
    }
}
