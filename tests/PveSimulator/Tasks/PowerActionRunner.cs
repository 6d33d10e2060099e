using PveSimulator.Api;
using PveSimulator.Model;

namespace PveSimulator.Tasks;

/// <summary>
/// Turns a power action into a task like pve-container does: state checks that answer synchronously,
/// then a worker that takes the CT's config lock, checks lock and template, and changes the state when it ends.
/// </summary>
internal sealed class PowerActionRunner(
    SimulatedCluster cluster,
    TaskRunner runner,
    SimulatorOptions options)
{
    // ha-manager set / crm-command only queue a request, which takes a moment.
    private static readonly TimeSpan HaRequestDuration = TimeSpan.FromMilliseconds(100);

    private TimeProvider Time => options.TimeProvider;

    /// <summary>Returns the UPID, or throws the synchronous 500 PVE answers when the CT already is in that state.</summary>
    public string Submit(PowerAction action, string node, int vmid, ApiToken token, ShutdownRequest shutdown)
    {
        var container = cluster.ViewContainer(vmid);
        // check_running only looks at the node that runs the handler, so a CT elsewhere counts as stopped.
        var local = container is not null && container.Node == node ? container : null;
        var running = local?.Running == true;
        switch (action)
        {
            case PowerAction.Start when running:
                throw new PveApiException(500, $"CT {vmid} already running");
            case PowerAction.Stop or PowerAction.Shutdown when !running:
                throw new PveApiException(500, $"CT {vmid} not running");
            case PowerAction.Reboot when !running:
                throw new PveApiException(500, $"VM {vmid} not running");
        }

        // The HA branch comes after the state check; reboot is not HA-aware.
        if (container is { HaManaged: true } && action != PowerAction.Reboot)
        {
            return SubmitHaRequest(action, node, vmid, token);
        }

        var task = runner.Create(node, TaskType(action), vmid, token);
        // Looked up again inside the worker: a task that waited in line sees the CT as it is now.
        ContainerView? LocalNow()
        {
            var now = cluster.ViewContainer(vmid);
            return now is not null && now.Node == node ? now : null;
        }

        runner.RunWorker(
            task,
            vmid,
            () => CheckInsideWorker(action, node, vmid, LocalNow()),
            () => Duration(action, LocalNow(), shutdown),
            () => Complete(action, node, vmid, LocalNow(), shutdown));
        return task.Upid;
    }

    /// <summary>The vzstart a create with start=1 forks once it succeeded; null when the CT already runs.</summary>
    public string? TrySubmitStart(string node, int vmid, ApiToken token)
    {
        try
        {
            return Submit(PowerAction.Start, node, vmid, token, ShutdownRequest.Default);
        }
        catch (PveApiException)
        {
            return null;
        }
    }

    private TimeSpan Duration(PowerAction action, ContainerView? local, ShutdownRequest shutdown)
    {
        if (action != PowerAction.Shutdown || local is null)
        {
            return options.TaskDuration;
        }

        // lxc-stop --nokill gives up after the timeout.
        var timeout = TimeSpan.FromSeconds(shutdown.TimeoutSeconds);
        return options.TaskDuration + (local.ShutdownDuration <= timeout ? local.ShutdownDuration : timeout);
    }

    private string? Complete(PowerAction action, string node, int vmid, ContainerView? local, ShutdownRequest shutdown) => action switch
    {
        PowerAction.Start => Start(node, vmid),
        PowerAction.Stop => Stop(node, vmid),
        PowerAction.Reboot => Reboot(node, vmid),
        // forceStop kills the CT once the graceful shutdown timed out.
        PowerAction.Shutdown when local is null || local.ShutdownDuration <= TimeSpan.FromSeconds(shutdown.TimeoutSeconds) || shutdown.ForceStop => Stop(node, vmid),
        _ => "container did not stop",
    };

    private static string TaskType(PowerAction action) => action switch
    {
        PowerAction.Start => "vzstart",
        PowerAction.Stop => "vzstop",
        PowerAction.Shutdown => "vzshutdown",
        PowerAction.Reboot => "vzreboot",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    private static string? CheckInsideWorker(PowerAction action, string node, int vmid, ContainerView? local)
    {
        if (local is null)
        {
            return PveApiException.ConfigMissing(node, vmid).Message;
        }

        // start and stop tolerate the "mounted" lock (left behind by pct mount).
        var lockIgnored = local.Lock == "mounted" && action is PowerAction.Start or PowerAction.Stop;
        if (local.Lock is not null && !lockIgnored)
        {
            return $"CT is locked ({local.Lock})";
        }

        return action == PowerAction.Start && local.Template ? "you can't start a CT if it's a template" : null;
    }

    private string? Start(string node, int vmid)
    {
        string? failure = null;
        var found = cluster.TryChangeOnNode(vmid, node, container =>
        {
            failure = container.StartFailure;
            if (failure is null)
            {
                cluster.MarkRunning(container, true);
            }
        });
        return found ? failure : PveApiException.ConfigMissing(node, vmid).Message;
    }

    private string? Stop(string node, int vmid) =>
        cluster.TryChangeOnNode(vmid, node, container => cluster.MarkRunning(container, false))
            ? null
            : PveApiException.ConfigMissing(node, vmid).Message;

    private string? Reboot(string node, int vmid) =>
        cluster.TryChangeOnNode(vmid, node, container => cluster.MarkRunning(container, true))
            ? null
            : PveApiException.ConfigMissing(node, vmid).Message;

    /// <summary>
    /// HA-managed CTs only get their requested state changed; the task ends OK at once and the LRM
    /// changes the real state HaDelay later. A successful UPID therefore says nothing about the CT.
    /// </summary>
    private string SubmitHaRequest(PowerAction action, string node, int vmid, ApiToken token)
    {
        var start = action == PowerAction.Start;
        var requested = start ? "started" : "stopped";
        var task = runner.Create(node, start ? "hastart" : "hastop", vmid, token);
        task.Log($"Requesting HA {(start ? "start" : "stop")} for CT {vmid}");
        cluster.TryChange(vmid, container => container.HaRequestedState = requested);

        _ = CompleteHaRequestAsync(task, vmid, requested, start);
        return task.Upid;
    }

    private async Task CompleteHaRequestAsync(SimTask task, int vmid, string requested, bool start)
    {
        try
        {
            await Task.Delay(HaRequestDuration < options.TaskDuration ? HaRequestDuration : options.TaskDuration, Time, runner.Stopping);
            task.Finish("OK");
            await Task.Delay(options.HaDelay, Time, runner.Stopping);
            cluster.TryChange(vmid, container =>
            {
                // A later request may have changed the goal meanwhile; the LRM acts on the newest one.
                if (container.HaRequestedState == requested && container.Running != start)
                {
                    cluster.MarkRunning(container, start);
                }
            });
        }
        catch (OperationCanceledException)
        {
            // The simulator is shutting down.
        }
    }

}
