using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PveSimulator;

namespace PveOperator.Bench;

/// <summary>
/// The lifecycle scenario at one size N and one per-storage allocation limit: a fresh control plane and simulator,
/// the operator running, then N LxcContainers applied that create their containers from a template, and once all
/// are Ready, all N deleted (deletionPolicy Delete destroys each container with its disk).
/// </summary>
internal sealed class LifecycleRun(LifecycleSettings settings, string repo, string operatorDll, string workDirectory, int size, int? allocationLimit)
{
    private const string Namespace = "bench";
    private const string SystemNamespace = "pve-system";
    private const string ProviderName = "bench";
    private const string TemplateStorage = "local";

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly LifecycleResult result = new() { Size = size, AllocationLimit = allocationLimit };

    private string Label => $"lifecycle N={size}, ≤{result.EffectiveAllocationLimit}/storage";

    private static string NameOf(int index) => $"lc-{index:D4}";

    private static void Say(string text) => SizeRun.Say(text);

    public async Task<LifecycleResult> RunAsync(CancellationToken cancellationToken)
    {
        Say($"{Label}: starting a fresh control plane");
        var tag = $"lifecycle-{size}-{result.EffectiveAllocationLimit}";
        await using var controlPlane = await ControlPlane.StartAsync(repo, Path.Combine(workDirectory, $"control-plane-{tag}"), cancellationToken);
        await controlPlane.ApplyCrdsAsync(cancellationToken);
        var client = controlPlane.Client;

        await using var simulator = await PveSimulatorServer.StartAsync(new SimulatorOptions
        {
            TaskDuration = settings.TaskDuration,
            StorageAllocationDuration = settings.StorageAllocation,
            StorageLockTimeout = settings.StorageLockTimeout,
            ResourcesRefreshInterval = settings.ResourcesRefresh,
            DaemonWorkersPerNode = settings.DaemonWorkers,
            MaxParallelTasksPerNode = settings.ParallelTasksPerNode,
        }, cancellationToken);
        SeedSimulator(simulator);
        using var admin = SizeRun.AdminClient(simulator);

        await CreateProviderAsync(client, simulator, cancellationToken);
        await using var watch = new ContainerWatch(client, Namespace, clock);

        var logPath = Path.Combine(workDirectory, $"operator-{tag}.log");
        File.Delete(logPath);
        var operatorArgs = SizeRun.ExtraOperatorArgs.ToList();
        if (allocationLimit is { } limit)
        {
            operatorArgs.AddRange(["--max-allocations-per-storage", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        await using var op = OperatorProcess.Start(operatorDll, controlPlane.Kubeconfig, logPath, operatorArgs);
        await WaitForProviderReadyAsync(client, cancellationToken);

        result.PhysicalLimit = settings.PhysicalLimit(size);
        result.StorageBound = settings.StorageBound(size);
        result.NodeBound = settings.NodeBound(size);
        result.ThrottleBound = settings.ThrottleBound(size, result.EffectiveAllocationLimit);
        using var sampler = new TaskSampler(admin, clock);

        // Create: N resources at once, each allocating a VMID from the provider's range and creating from the template.
        simulator.Counters.Reset();
        var apiBefore = await controlPlane.RequestCountsAsync(cancellationToken);
        Say($"{Label}: applying {size} LxcContainers with spec.create (physical limit {result.PhysicalLimit.TotalSeconds:F1} s: " +
            $"storage bound {result.StorageBound.TotalSeconds:F1} s, node bound {result.NodeBound.TotalSeconds:F1} s; " +
            $"the operator's limit of {result.EffectiveAllocationLimit} per storage allows {result.ThrottleBound.TotalSeconds:F1} s)");
        var creating = clock.Elapsed;
        await Parallel.ForEachAsync(Enumerable.Range(0, size), new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.RequestParallelism,
            CancellationToken = cancellationToken,
        }, async (index, token) => await CreateContainerAsync(client, index, token));
        result.ApplyTime = clock.Elapsed - creating;
        await SizeRun.WaitUntilAsync(() => watch.Count == size, TimeSpan.FromMinutes(2), "the watch to see every container", cancellationToken);
        watch.ResetAllSettled();
        var settled = await watch.WaitAllSettledAsync(size, settings.PhaseTimeout(size),
            n => Say($"{Label}: {n}/{size} created and Ready, {(clock.Elapsed - creating).TotalSeconds:F0} s"), cancellationToken);
        if (!settled)
        {
            throw new InvalidOperationException($"{Label}: only {watch.SettledCount}/{size} containers Ready after {settings.PhaseTimeout(size)}; see {logPath}");
        }

        result.CreateTime = (watch.AllSettledAt ?? clock.Elapsed) - creating;
        result.CreateByEndpoint = simulator.Counters.Snapshot();
        result.CreateRequests = result.CreateByEndpoint.Values.Sum();
        result.CreateStatusWrites = await StatusWritesSinceAsync(controlPlane, apiBefore, cancellationToken);
        var (lastCreate, meanCreate) = sampler.Of("vzcreate");
        result.CreateTasksDoneAfter = lastCreate - creating;
        result.CreateMeanTasks = meanCreate;
        var createdInPve = simulator.Cluster.Containers.Count;
        Say($"{Label}: all Ready {result.CreateTime.TotalSeconds:F1} s after the first create request " +
            $"({result.CreateTime / result.PhysicalLimit:F2}x the physical limit); {createdInPve} containers in PVE, {result.CreateRequests} PVE requests");
        if (createdInPve != size)
        {
            throw new InvalidOperationException($"{Label}: {createdInPve} containers in the simulator after {size} creates; see {logPath}");
        }

        // Destroy: delete all N; each finalizer is released once its container is destroyed.
        simulator.Counters.Reset();
        Say($"{Label}: deleting the {size} LxcContainers (deletionPolicy Delete)");
        var deleting = clock.Elapsed;
        await Parallel.ForEachAsync(Enumerable.Range(0, size), new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.RequestParallelism,
            CancellationToken = cancellationToken,
        }, async (index, token) => await client.CustomObjects.DeleteNamespacedCustomObjectAsync(
            Lxc.Group, Lxc.Version, Namespace, Lxc.Plural, NameOf(index), cancellationToken: token));
        var gone = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (watch.Count > 0)
        {
            if (gone.Elapsed > settings.PhaseTimeout(size))
            {
                throw new InvalidOperationException($"{Label}: {watch.Count}/{size} LxcContainers still there after {settings.PhaseTimeout(size)}; see {logPath}");
            }

            if (gone.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = gone.Elapsed;
                Say($"{Label}: {size - watch.Count}/{size} destroyed and gone, {(clock.Elapsed - deleting).TotalSeconds:F0} s");
            }

            await Task.Delay(20, cancellationToken);
        }

        result.DestroyTime = clock.Elapsed - deleting;
        result.DestroyByEndpoint = simulator.Counters.Snapshot();
        result.DestroyRequests = result.DestroyByEndpoint.Values.Sum();
        result.LeftInPve = simulator.Cluster.Containers.Count;
        result.MaxInFlightPerNode = Enumerable.Range(1, settings.Nodes).Max(n => simulator.Counters.MaxInFlightPerNode($"pve{n}"));
        result.MaxConcurrentTasks = sampler.Max;
        var (lastDestroy, meanDestroy) = sampler.Of("vzdestroy");
        result.DestroyTasksDoneAfter = lastDestroy - deleting;
        result.DestroyMeanTasks = meanDestroy;

        var tasks = await admin.GetFromJsonAsync<JsonElement>(new Uri("/_sim/tasks", UriKind.Relative), cancellationToken);
        result.CreateFailures = Failures(tasks, "vzcreate");
        result.DestroyFailures = Failures(tasks, "vzdestroy");
        result.CreateTasks = result.CreateFailures.Total;
        result.DestroyTasks = result.DestroyFailures.Total;
        Say($"{Label}: all gone {result.DestroyTime.TotalSeconds:F1} s after the first delete ({result.DestroyTime / result.PhysicalLimit:F2}x the physical limit); " +
            $"{result.LeftInPve} containers left in PVE; lock timeouts {result.CreateFailures.LockTimeouts} creates / {result.DestroyFailures.LockTimeouts} destroys; " +
            $"{result.CreateTasks} vzcreate and {result.DestroyTasks} vzdestroy tasks");
        return result;
    }

    private void SeedSimulator(PveSimulatorServer simulator)
    {
        for (var node = 0; node < settings.Nodes; node++)
        {
            simulator.Cluster.AddNode($"pve{node + 1}", "127.0.0.1");
        }

        var template = settings.Template[(settings.Template.IndexOf('/', StringComparison.Ordinal) + 1)..];
        simulator.Cluster.ClearStorages();
        simulator.Cluster.AddStorage(new SimStorage
        {
            Id = TemplateStorage,
            Type = "dir",
            Content = ["vztmpl", "iso", "backup"],
            Templates = [new SimTemplateVolume(template, 126_859_236)],
        });
        foreach (var storage in settings.Storages)
        {
            // Shared LVM on a SAN: one cluster-wide allocation lock per storage, which is what the simulator models.
            simulator.Cluster.AddStorage(new SimStorage
            {
                Id = storage,
                Type = "lvm",
                Shared = true,
                Content = ["rootdir", "images"],
                TotalBytes = 64L << 40,
                UsedBytes = 0,
            });
        }
    }

    private async Task CreateProviderAsync(IKubernetes client, PveSimulatorServer simulator, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { Namespace, SystemNamespace })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: cancellationToken);
        }

        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "pve-token",
                NamespaceProperty = SystemNamespace,
                Labels = new Dictionary<string, string> { ["pve-operator.io/credentials"] = "true" },
            },
            StringData = new Dictionary<string, string> { ["secret"] = simulator.DefaultTokenSecret },
        }, SystemNamespace, cancellationToken: cancellationToken);

        var provider = new JsonObject
        {
            ["apiVersion"] = $"{Lxc.Group}/{Lxc.Version}",
            ["kind"] = "ProxmoxProvider",
            ["metadata"] = new JsonObject { ["name"] = ProviderName },
            ["spec"] = new JsonObject
            {
                ["url"] = simulator.BaseUrl.ToString().TrimEnd('/'),
                ["tokenId"] = PveSimulatorServer.DefaultTokenId,
                ["secretRef"] = new JsonObject { ["namespace"] = SystemNamespace, ["name"] = "pve-token", ["key"] = "secret" },
                ["tls"] = new JsonObject { ["fingerprint"] = simulator.CertificateFingerprint },
                ["syncInterval"] = $"{(int)settings.SyncInterval.TotalSeconds}s",
                ["vmidRange"] = new JsonObject { ["min"] = settings.VmidMin, ["max"] = settings.VmidMax },
            },
        };
        await client.CustomObjects.CreateClusterCustomObjectAsync(provider, Lxc.Group, Lxc.Version, "proxmoxproviders", cancellationToken: cancellationToken);
    }

    private async Task CreateContainerAsync(IKubernetes client, int index, CancellationToken cancellationToken)
    {
        var container = new JsonObject
        {
            ["apiVersion"] = $"{Lxc.Group}/{Lxc.Version}",
            ["kind"] = "LxcContainer",
            ["metadata"] = new JsonObject { ["name"] = NameOf(index), ["namespace"] = Namespace },
            ["spec"] = new JsonObject
            {
                ["providerRef"] = new JsonObject { ["name"] = ProviderName },
                // Stopped: the create is what is measured, not the start after it (the power scenario measures starts).
                ["powerState"] = "Stopped",
                ["deletionPolicy"] = "Delete",
                ["create"] = new JsonObject
                {
                    ["template"] = settings.Template,
                    ["storage"] = settings.Storages[index % settings.Storages.Count],
                },
            },
        };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(container, Lxc.Group, Lxc.Version, Namespace, Lxc.Plural, cancellationToken: cancellationToken);
    }

    private static async Task WaitForProviderReadyAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            var provider = (JsonElement)await client.CustomObjects.GetClusterCustomObjectAsync(Lxc.Group, Lxc.Version, "proxmoxproviders", ProviderName, cancellationToken);
            if (provider.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
                && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True"))
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException("the ProxmoxProvider was not Ready within 60 s of starting the operator");
    }

    private static async Task<double> StatusWritesSinceAsync(ControlPlane controlPlane, Dictionary<string, double> before, CancellationToken cancellationToken)
    {
        var after = await controlPlane.RequestCountsAsync(cancellationToken);
        return after.GetValueOrDefault("PATCH lxccontainers/status") - before.GetValueOrDefault("PATCH lxccontainers/status");
    }

    /// <summary>PVE's storage lock timeouts: a local storage's flock ("got timeout") and a shared one's cfs lock ("got lock request timeout").</summary>
    public static bool IsLockTimeout(string exitStatus) =>
        exitStatus.Contains("got timeout", StringComparison.Ordinal) || exitStatus.Contains("got lock request timeout", StringComparison.Ordinal);

    private static TaskFailures Failures(JsonElement tasks, string type)
    {
        int lockTimeouts = 0, other = 0, total = 0;
        foreach (var task in tasks.EnumerateArray().Where(t => t.GetProperty("type").GetString() == type))
        {
            total++;
            if (task.TryGetProperty("exitstatus", out var exit) && exit.ValueKind == JsonValueKind.String && exit.GetString() is { } text && text != "OK")
            {
                if (IsLockTimeout(text))
                {
                    lockTimeouts++;
                }
                else
                {
                    other++;
                }
            }
        }

        return new TaskFailures(lockTimeouts, other, total);
    }

    /// <summary>
    /// Samples the simulator's vzcreate/vzdestroy tasks every 250 ms (tasks waiting in a node's line count as running, as
    /// PVE shows them): the most at once, when the last one of each type was seen running, and the mean number running.
    /// </summary>
    private sealed class TaskSampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Lock gate = new();
        private readonly Dictionary<string, (TimeSpan First, TimeSpan Last, double Sum, int Samples)> seen = new(StringComparer.Ordinal);
        private int max;

        public TaskSampler(HttpClient admin, Stopwatch clock)
        {
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var tasks = await admin.GetFromJsonAsync<JsonElement>(new Uri("/_sim/tasks", UriKind.Relative), stop.Token);
                        var now = clock.Elapsed;
                        var running = tasks.EnumerateArray()
                            .Where(t => t.GetProperty("status").GetString() == "running")
                            .Select(t => t.GetProperty("type").GetString())
                            .Where(type => type is "vzcreate" or "vzdestroy")
                            .GroupBy(type => type!)
                            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                        lock (gate)
                        {
                            max = Math.Max(max, running.Values.Sum());
                            foreach (var (type, count) in running)
                            {
                                var (first, _, sum, samples) = seen.GetValueOrDefault(type, (now, now, 0, 0));
                                seen[type] = (first, now, sum + count, samples + 1);
                            }
                        }

                        await Task.Delay(250, stop.Token);
                    }
                    catch (Exception error) when (error is HttpRequestException or OperationCanceledException or JsonException or ObjectDisposedException)
                    {
                        if (stop.IsCancellationRequested)
                        {
                            return;
                        }
                    }
                }
            });
        }

        public int Max
        {
            get
            {
                lock (gate)
                {
                    return max;
                }
            }
        }

        /// <summary>When a task of the type was last seen running (on the run's clock), and how many ran on average from the first sample to the last.</summary>
        public (TimeSpan? LastRunning, double Mean) Of(string type)
        {
            lock (gate)
            {
                return seen.TryGetValue(type, out var s) ? (s.Last, s.Sum / Math.Max(1, s.Samples)) : (null, 0);
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }
}
