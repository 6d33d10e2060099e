using System.Globalization;
using PveSimulator.Model;

namespace PveSimulator.Tasks;

/// <summary>
/// Runs any worker task the way PVE's fork_worker does: the UPID exists at once, the work waits for its node's
/// turn (with MaxParallelTasksPerNode), optionally takes the CT's config flock, runs for its duration and ends with
/// "OK" or an error text. Every task type (vzstart, vzcreate, vzclone, resize, ...) goes through here.
/// </summary>
internal sealed class TaskRunner(TaskRegistry tasks, RequestCounters counters, SimulatorOptions options, CancellationToken stopping)
{
    // pve-container's lock_config waits this long for the flock before giving up.
    public static readonly TimeSpan ConfigLockTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private readonly Dictionary<int, SimTask> configLocks = [];
    // Only with MaxParallelTasksPerNode: each node's running count and its line of waiting tasks.
    private readonly Dictionary<string, NodeTaskLine> nodeTasks = new(StringComparer.Ordinal);
    private readonly HashSet<SimTask> slotHolders = [];

    public TimeProvider Time => options.TimeProvider;
    public CancellationToken Stopping => stopping;

    /// <summary>A new task in the index, counted by type; its work is started by one of the Run methods.</summary>
    public SimTask Create(string node, string type, string id, ApiToken token)
    {
        counters.CountTask(type);
        return tasks.Create(node, type, id, token);
    }

    public SimTask Create(string node, string type, int vmid, ApiToken token) =>
        Create(node, type, vmid.ToString(CultureInfo.InvariantCulture), token);

    /// <summary>
    /// The common worker shape: wait for the node, take the CT's flock (if <paramref name="lockedVmid"/> is set; a
    /// flock held by another task fails this one after min(10 s, TaskDuration) with PVE's timeout text), run
    /// <paramref name="check"/> at once (an error text fails the task right after the fork), then after the
    /// duration it returns run <paramref name="complete"/>, whose error text fails the task.
    /// </summary>
    /// <param name="afterSuccess">Runs once the task ended OK and released its flock (a nested task it forks, say).</param>
    public void RunWorker(SimTask task, int? lockedVmid, Func<string?> check, Func<TimeSpan> duration, Func<string?> complete, Action? afterSuccess = null) =>
        RunWhenNodeHasRoom(task, () =>
        {
            if (lockedVmid is { } vmid && !TryTakeConfigLock(vmid, task))
            {
                RunLater(task, Min(ConfigLockTimeout, options.TaskDuration), () => ConfigLockTimeoutText(vmid));
                return;
            }

            var refusal = check();
            if (refusal is not null)
            {
                Finish(task, refusal);
                return;
            }

            RunLater(task, duration(), complete, afterSuccess);
        });

    /// <summary>Runs <paramref name="complete"/> after the delay and ends the task with its outcome, releasing what it holds.</summary>
    public void RunLater(SimTask task, TimeSpan delay, Func<string?> complete, Action? afterSuccess = null) => _ = RunLaterAsync(task, delay, complete, afterSuccess);

    /// <summary>Ends the task and releases its flock and node place.</summary>
    public void Finish(SimTask task, string? error)
    {
        if (error is not null && task.IsRunning)
        {
            counters.CountFailedTask(task.Type, task.Id, error);
        }

        task.Finish(error ?? "OK");
        ReleaseConfigLock(task);
        LeaveNode(task);
    }

    public static string ConfigLockTimeoutText(int vmid) => $"can't lock file '/run/lock/lxc/pve-config-{vmid}.lock' - got timeout";

    public bool TryTakeConfigLock(int vmid, SimTask task)
    {
        lock (gate)
        {
            return configLocks.TryAdd(vmid, task);
        }
    }

    /// <summary>Whether a task holds the CT's flock now (synchronous handlers such as PUT config wait for it).</summary>
    public bool IsConfigLocked(int vmid)
    {
        lock (gate)
        {
            return configLocks.ContainsKey(vmid);
        }
    }

    /// <summary>
    /// Starts the task's work now when its node runs fewer than MaxParallelTasksPerNode tasks (or there is no limit),
    /// otherwise when an earlier task of that node ends, in arrival order. The UPID is answered either way.
    /// </summary>
    public void RunWhenNodeHasRoom(SimTask task, Action begin)
    {
        var limit = options.MaxParallelTasksPerNode;
        if (limit > 0)
        {
            lock (gate)
            {
                if (!nodeTasks.TryGetValue(task.Node, out var line))
                {
                    nodeTasks[task.Node] = line = new NodeTaskLine();
                }

                if (line.Running >= limit)
                {
                    line.Waiting.Enqueue((task, begin));
                    return;
                }

                line.Running++;
                slotHolders.Add(task);
            }
        }

        begin();
    }

    /// <summary>
    /// Called without Task.Run on purpose: the delay's timer is created before the handler returns, so a test
    /// advancing a fake clock right after the POST always moves this task along.
    /// </summary>
    private async Task RunLaterAsync(SimTask task, TimeSpan delay, Func<string?> complete, Action? afterSuccess)
    {
        try
        {
            await Task.Delay(delay, Time, stopping);
            var error = complete();
            Finish(task, error);
            if (error is null)
            {
                afterSuccess?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
            // The simulator is shutting down.
        }
        catch (Exception error)
        {
            // A simulator bug must show in the test that hit it, not leave a task running forever.
            Finish(task, $"simulator error: {error.GetType().Name}: {error.Message}");
        }
    }

    /// <summary>Hands the ended task's place on its node to the next task in line, if any.</summary>
    private void LeaveNode(SimTask task)
    {
        (SimTask Task, Action Begin) next;
        lock (gate)
        {
            if (!slotHolders.Remove(task) || !nodeTasks.TryGetValue(task.Node, out var line))
            {
                return;
            }

            if (!line.Waiting.TryDequeue(out next))
            {
                line.Running--;
                return;
            }

            slotHolders.Add(next.Task);
        }

        next.Begin();
    }

    private void ReleaseConfigLock(SimTask task)
    {
        lock (gate)
        {
            foreach (var held in configLocks.Where(pair => ReferenceEquals(pair.Value, task)).ToArray())
            {
                configLocks.Remove(held.Key);
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
