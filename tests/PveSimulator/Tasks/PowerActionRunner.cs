using PveSimulator.Api;
using PveSimulator.Model;

namespace PveSimulator.Tasks;

/// <summary>
/// Turns a power action into a task like pve-container does: state checks that answer synchronously,
/// then a worker that takes the CT's config lock, checks lock and template, and changes the state when it ends.
/// </summary>
internal sealed class PowerActionRunner(
    SimulatedCluster cluster,
    TaskRegistry tasks,
    SimulatorOptions options,
    CancellationToken stopping)
{
    // pve-container's lock_config waits this long for the flock before giving up.
    private static readonly TimeSpan ConfigLockTimeout = TimeSpan.FromSeconds(10);
    // ha-manager set / crm-command only queue a request, which takes a moment.
    private static readonly TimeSpan HaRequestDuration = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly Dictionary<int, SimTask> _configLocks = [];
    // Only with MaxParallelTasksPerNode: each node's running count and its line of waiting tasks.
    private readonly Dictionary<string, NodeTaskLine> _nodeTasks = new(StringComparer.Ordinal);
    private readonly HashSet<SimTask> _slotHolders = [];

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

        var task = tasks.Create(node, TaskType(action), vmid, token);
        RunWhenNodeHasRoom(task, () => Begin(task, action, node, vmid, shutdown));
        return task.Upid;
    }

    /// <summary>The worker's part: take the CT's config lock, check inside, then run for the task's duration.</summary>
    private void Begin(SimTask task, PowerAction action, string node, int vmid, ShutdownRequest shutdown)
    {
        if (!TryTakeConfigLock(vmid, task))
        {
            RunLater(task, Min(ConfigLockTimeout, options.TaskDuration), () => $"can't lock file '/run/lock/lxc/pve-config-{vmid}.lock' - got timeout", holdsLock: false);
            return;
        }

        // Looked up again: a task that waited in line sees the CT as it is now.
        var container = cluster.ViewContainer(vmid);
        var local = container is not null && container.Node == node ? container : null;
        var refusal = CheckInsideWorker(action, node, vmid, local);
        if (refusal is not null)
        {
            // These checks run right after the worker forks, so the task fails almost at once.
            FinishTask(task, refusal, holdsLock: true);
            return;
        }

        switch (action)
        {
            case PowerAction.Start:
                RunLater(task, options.TaskDuration, () => Start(node, vmid), holdsLock: true);
                break;
            case PowerAction.Stop:
                RunLater(task, options.TaskDuration, () => Stop(node, vmid), holdsLock: true);
                break;
            case PowerAction.Reboot:
                RunLater(task, options.TaskDuration, () => Reboot(node, vmid), holdsLock: true);
                break;
            case PowerAction.Shutdown:
                var graceful = local!.ShutdownDuration <= TimeSpan.FromSeconds(shutdown.TimeoutSeconds);
                if (graceful)
                {
                    RunLater(task, options.TaskDuration + local.ShutdownDuration, () => Stop(node, vmid), holdsLock: true);
                }
                else
                {
                    // lxc-stop --nokill gives up after the timeout; forceStop kills the CT then.
                    RunLater(task, options.TaskDuration + TimeSpan.FromSeconds(shutdown.TimeoutSeconds),
                        () => shutdown.ForceStop ? Stop(node, vmid) : "container did not stop", holdsLock: true);
                }

                break;
        }
    }

    /// <summary>
    /// Starts the task's work now when its node runs fewer than MaxParallelTasksPerNode tasks (or there is no limit),
    /// otherwise when an earlier task of that node ends, in arrival order. The UPID is answered either way.
    /// </summary>
    private void RunWhenNodeHasRoom(SimTask task, Action begin)
    {
        var limit = options.MaxParallelTasksPerNode;
        if (limit > 0)
        {
            lock (_gate)
            {
                if (!_nodeTasks.TryGetValue(task.Node, out var line))
                {
                    _nodeTasks[task.Node] = line = new NodeTaskLine();
                }

                if (line.Running >= limit)
                {
                    line.Waiting.Enqueue((task, begin));
                    return;
                }

                line.Running++;
                _slotHolders.Add(task);
            }
        }

        begin();
    }

    /// <summary>Hands the ended task's place on its node to the next task in line, if any.</summary>
    private void LeaveNode(SimTask task)
    {
        (SimTask Task, Action Begin) next;
        lock (_gate)
        {
            if (!_slotHolders.Remove(task) || !_nodeTasks.TryGetValue(task.Node, out var line))
            {
                return;
            }

            if (!line.Waiting.TryDequeue(out next))
            {
                line.Running--;
                return;
            }

            _slotHolders.Add(next.Task);
        }

        next.Begin();
    }

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
        var task = tasks.Create(node, start ? "hastart" : "hastop", vmid, token);
        task.Log($"Requesting HA {(start ? "start" : "stop")} for CT {vmid}");
        cluster.TryChange(vmid, container => container.HaRequestedState = requested);

        _ = CompleteHaRequestAsync(task, vmid, requested, start);
        return task.Upid;
    }

    private async Task CompleteHaRequestAsync(SimTask task, int vmid, string requested, bool start)
    {
        try
        {
            await Task.Delay(Min(HaRequestDuration, options.TaskDuration), Time, stopping);
            task.Finish("OK");
            await Task.Delay(options.HaDelay, Time, stopping);
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

    /// <summary>
    /// Called without Task.Run on purpose: the delay's timer is created before Submit returns, so a test
    /// advancing a fake clock right after the POST always moves this task along.
    /// </summary>
    private void RunLater(SimTask task, TimeSpan delay, Func<string?> complete, bool holdsLock) =>
        _ = RunLaterAsync(task, delay, complete, holdsLock);

    private async Task RunLaterAsync(SimTask task, TimeSpan delay, Func<string?> complete, bool holdsLock)
    {
        try
        {
            await Task.Delay(delay, Time, stopping);
            FinishTask(task, complete(), holdsLock);
        }
        catch (OperationCanceledException)
        {
            // The simulator is shutting down.
        }
    }

    private void FinishTask(SimTask task, string? error, bool holdsLock)
    {
        task.Finish(error ?? "OK");
        if (holdsLock)
        {
            ReleaseConfigLock(task);
        }

        LeaveNode(task);
    }

    private bool TryTakeConfigLock(int vmid, SimTask task)
    {
        lock (_gate)
        {
            return _configLocks.TryAdd(vmid, task);
        }
    }

    private void ReleaseConfigLock(SimTask task)
    {
        lock (_gate)
        {
            var vmid = int.Parse(task.Id, System.Globalization.CultureInfo.InvariantCulture);
            if (_configLocks.TryGetValue(vmid, out var holder) && ReferenceEquals(holder, task))
            {
                _configLocks.Remove(vmid);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class NodeTaskLine
    {
        public int Running { get; set; }
        public Queue<(SimTask Task, Action Begin)> Waiting { get; } = new();
    }
}
