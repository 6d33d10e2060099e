using System.Globalization;
using PveOperator.Proxmox;

namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>
/// A scriptable PVE cluster behind <see cref="IPveClient"/>: containers with a live state, tasks the test finishes,
/// failures the test injects per operation, and a log of every call ("start pve1/101", "task UPID:...").
/// </summary>
internal sealed class FakePveClient(Journal? journal = null) : IPveClient
{
    public const string Init = "init";
    public const string ClusterStatusOp = "cluster/status";
    public const string ClusterResourcesOp = "cluster/resources";
    public const string Status = "status";
    public const string Start = "start";
    public const string Shutdown = "shutdown";
    public const string Task = "task";
    public const string AddressesOp = "addresses";

    private readonly Dictionary<string, Queue<Exception>> failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Exception> permanentFailures = new(StringComparer.Ordinal);
    private int nextPid = 0x1000;

    public List<string> Calls { get; } = [];
    public PveNodePool Nodes { get; } = new();
    public PveClusterInfo? ClusterInfo { get; private set; }
    public bool Disposed { get; private set; }

    public PveVersion Version { get; set; } = new() { Version = "8.3.2", Release = "8.3", RepoId = "3e76eec21c4a14a7" };
    public List<PveClusterStatusEntry> ClusterStatus { get; set; } = Clustered("lab", "pve1", "pve2");
    public Dictionary<int, FakeCt> Containers { get; } = [];
    /// <summary>Tasks by raw UPID.</summary>
    public Dictionary<string, FakeTask> Tasks { get; } = new(StringComparer.Ordinal);
    public Dictionary<int, PveContainerAddresses> Addresses { get; } = [];

    /// <summary>The power-action UPIDs handed out, oldest first.</summary>
    public List<Upid> Issued { get; } = [];

    public int CountOf(string operation) => Calls.Count(c => c == operation || c.StartsWith(operation + " ", StringComparison.Ordinal));

    public FakeCt AddContainer(int vmid, string node, string status)
    {
        var ct = new FakeCt(vmid, node, status);
        Containers[vmid] = ct;
        return ct;
    }

    /// <summary>The next <paramref name="times"/> calls of the operation throw.</summary>
    public void FailNext(string operation, Exception error, int times = 1)
    {
        if (!failures.TryGetValue(operation, out var queue))
        {
            failures[operation] = queue = new Queue<Exception>();
        }

        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(error);
        }
    }

    /// <summary>Every call of the operation throws until <see cref="Heal"/>.</summary>
    public void FailAlways(string operation, Exception error) => permanentFailures[operation] = error;

    public void Heal(string operation)
    {
        permanentFailures.Remove(operation);
        failures.Remove(operation);
    }

    /// <summary>What /cluster/resources would show right now.</summary>
    public IReadOnlyList<PveClusterResource> Resources() =>
        Containers.Values.OrderBy(c => c.Vmid).Select(c => new PveClusterResource
        {
            Id = $"lxc/{c.Vmid}",
            Type = "lxc",
            Vmid = c.Vmid,
            Node = c.Node,
            Status = c.Status,
            Name = c.Name,
            Lock = c.Lock,
        }).ToList();

    /// <summary>Ends a task; a successful one also takes effect on its container.</summary>
    public void Finish(Upid upid, string exitStatus = "OK")
    {
        var task = Tasks[upid.Raw];
        task.ExitStatus = exitStatus;
        if (exitStatus == "OK" && Containers.TryGetValue(task.Vmid, out var ct))
        {
            ct.Status = task.Type == "vzstart" ? "running" : "stopped";
        }
    }

    public Task<PveClusterInfo> InitializeAsync(CancellationToken cancellationToken = default)
    {
        Record(Init);
        var info = PveClusterInfo.From(Version, ClusterStatus);
        Nodes.ReplaceAll(info.Nodes);
        ClusterInfo = info;
        return System.Threading.Tasks.Task.FromResult(info);
    }

    /// <summary>What GET /access/permissions answers; null: the client cannot tell (as a client without the call).</summary>
    public Dictionary<string, IReadOnlySet<string>>? Permissions { get; set; }

    public Task<IReadOnlyDictionary<string, IReadOnlySet<string>>?> GetPermissionsAsync(CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.FromResult<IReadOnlyDictionary<string, IReadOnlySet<string>>?>(Permissions);

    public Task<PveVersion> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        Record("version");
        return System.Threading.Tasks.Task.FromResult(Version);
    }

    public Task<IReadOnlyList<PveClusterStatusEntry>> GetClusterStatusAsync(CancellationToken cancellationToken = default)
    {
        Record(ClusterStatusOp);
        return System.Threading.Tasks.Task.FromResult<IReadOnlyList<PveClusterStatusEntry>>(ClusterStatus.ToList());
    }

    public Task<IReadOnlyList<PveClusterResource>> GetClusterResourcesAsync(CancellationToken cancellationToken = default)
    {
        Record(ClusterResourcesOp);
        return System.Threading.Tasks.Task.FromResult(Resources());
    }

    public Task<IReadOnlyList<PveNodeSummary>> GetNodesAsync(CancellationToken cancellationToken = default) =>
        throw Unexpected("nodes");

    public Task<IReadOnlyList<PveContainerSummary>> GetContainersAsync(string node, CancellationToken cancellationToken = default) =>
        throw Unexpected($"lxc {node}");

    public Task<PveContainerStatus> GetContainerStatusAsync(string node, int vmid, CancellationToken cancellationToken = default)
    {
        Record($"{Status} {node}/{vmid}");
        var ct = Locate(node, vmid);
        return System.Threading.Tasks.Task.FromResult(new PveContainerStatus { Vmid = vmid, Status = ct.Status, Name = ct.Name, Lock = ct.Lock });
    }

    public Task<Upid> StartContainerAsync(string node, int vmid, CancellationToken cancellationToken = default)
    {
        Record($"{Start} {node}/{vmid}");
        Locate(node, vmid);
        return System.Threading.Tasks.Task.FromResult(NewTask(node, vmid, "vzstart"));
    }

    public Task<Upid> StopContainerAsync(string node, int vmid, CancellationToken cancellationToken = default) =>
        throw Unexpected($"stop {node}/{vmid}");

    public Task<Upid> ShutdownContainerAsync(string node, int vmid, int? timeoutSeconds = null, bool forceStop = false,
        CancellationToken cancellationToken = default)
    {
        Record($"{Shutdown} {node}/{vmid} timeout={timeoutSeconds} forceStop={forceStop}");
        Locate(node, vmid);
        return System.Threading.Tasks.Task.FromResult(NewTask(node, vmid, "vzshutdown"));
    }

    public Task<Upid> RebootContainerAsync(string node, int vmid, int? timeoutSeconds = null, CancellationToken cancellationToken = default) =>
        throw Unexpected($"reboot {node}/{vmid}");

    public Task<PveTaskStatus> GetTaskStatusAsync(Upid upid, CancellationToken cancellationToken = default)
    {
        Record($"{Task} {upid.Raw}");
        if (!Tasks.TryGetValue(upid.Raw, out var task))
        {
            // What PveClient makes of 400 {"errors":{"upid":"no such task"}} (IsUnknownTask).
            throw new PveApiException(PveErrorKind.Validation, $"GET /nodes/{upid.Node}/tasks/{upid.Raw}/status: 400 Parameter verification failed.")
            {
                StatusCode = 400,
                FieldErrors = new Dictionary<string, string> { ["upid"] = "no such task" },
            };
        }

        return System.Threading.Tasks.Task.FromResult(new PveTaskStatus
        {
            Upid = upid.Raw,
            Node = upid.Node,
            Type = task.Type,
            Id = task.Vmid.ToString(CultureInfo.InvariantCulture),
            Status = task.ExitStatus is null ? PveTaskStatus.RunningStatus : PveTaskStatus.StoppedStatus,
            ExitStatus = task.ExitStatus,
        });
    }

    public Task<PveContainerConfig> GetContainerConfigAsync(string node, int vmid, CancellationToken cancellationToken = default) =>
        throw Unexpected($"config {node}/{vmid}");

    public Task<IReadOnlyList<PveContainerInterface>?> GetContainerInterfacesAsync(string node, int vmid, CancellationToken cancellationToken = default) =>
        throw Unexpected($"interfaces {node}/{vmid}");

    public Task<PveContainerAddresses> GetContainerAddressesAsync(string node, int vmid, CancellationToken cancellationToken = default)
    {
        Record($"{AddressesOp} {node}/{vmid}");
        Locate(node, vmid);
        return System.Threading.Tasks.Task.FromResult(Addresses.GetValueOrDefault(vmid, PveContainerAddresses.None));
    }

    public void Dispose() => Disposed = true;

    public static List<PveClusterStatusEntry> Clustered(string clusterName, params string[] nodes) =>
    [
        new() { Type = PveClusterStatusEntry.ClusterType, Id = "cluster", Name = clusterName, Nodes = nodes.Length, Quorate = true, Version = 4 },
        .. nodes.Select((n, i) => Node(n, i)),
    ];

    public static List<PveClusterStatusEntry> Standalone(string node) => [Node(node, 0)];

    private static PveClusterStatusEntry Node(string name, int index) => new()
    {
        Type = PveClusterStatusEntry.NodeType,
        Id = $"node/{name}",
        Name = name,
        NodeId = index + 1,
        Local = index == 0,
        Online = true,
        Ip = $"10.0.0.{index + 11}",
        Level = "",
    };

    private FakeCt Locate(string node, int vmid)
    {
        if (!Containers.TryGetValue(vmid, out var ct) || ct.Node != node)
        {
            throw new PveApiException(PveErrorKind.NotFound, $"Configuration file 'nodes/{node}/lxc/{vmid}.conf' does not exist") { StatusCode = 500 };
        }

        return ct;
    }

    private Upid NewTask(string node, int vmid, string type)
    {
        var pid = nextPid++;
        var upid = Upid.Parse(string.Create(CultureInfo.InvariantCulture,
            $"UPID:{node}:{pid:X8}:{0x01A2B3C4 + pid:X8}:{0x65F1A2B3 + pid:X8}:{type}:{vmid}:operator@pve!k8s:"));
        Tasks[upid.Raw] = new FakeTask(vmid, type);
        Issued.Add(upid);
        return upid;
    }

    private void Record(string call)
    {
        Calls.Add(call);
        journal?.Add("pve " + call);
        var operation = call.Split(' ')[0];
        if (permanentFailures.TryGetValue(operation, out var always))
        {
            throw always;
        }

        if (failures.TryGetValue(operation, out var queue) && queue.TryDequeue(out var once))
        {
            throw once;
        }
    }

    private NotSupportedException Unexpected(string call)
    {
        Calls.Add(call);
        return new NotSupportedException($"the reconcilers are not expected to call {call}");
    }
}

/// <summary>A PVE task: running until the test sets its exit status.</summary>
internal sealed class FakeTask(int vmid, string type)
{
    public int Vmid { get; } = vmid;
    public string Type { get; } = type;
    public string? ExitStatus { get; set; }
}
