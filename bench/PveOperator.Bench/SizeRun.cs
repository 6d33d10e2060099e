using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PveSimulator;

namespace PveOperator.Bench;

/// <summary>One size N end to end: fresh control plane and simulator, create, converge, idle, flip, (fail over), tear down.</summary>
internal sealed class SizeRun(BenchSettings settings, string repo, string operatorDll, string workDirectory, int size)
{
    private const string Namespace = "bench";
    private const string SystemNamespace = "pve-system";
    internal const string ProviderName = "bench";
    private const int FirstVmid = 1000;

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly SizeResult result = new() { Size = size };

    /// <summary>BENCH_OPERATOR_ARGS, e.g. "--log-level Debug", for looking into a run.</summary>
    internal static string[] ExtraOperatorArgs =>
        Environment.GetEnvironmentVariable("BENCH_OPERATOR_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    internal static void Say(string text) => Console.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {text}");

    private static string NodeOf(int index, int nodes) => $"pve{index % nodes + 1}";

    private static string NameOf(int vmid) => $"ct-{vmid}";

    public async Task<SizeResult> RunAsync(CancellationToken cancellationToken)
    {
        Say($"N={size}: starting a fresh control plane");
        await using var controlPlane = await ControlPlane.StartAsync(repo, Path.Combine(workDirectory, $"control-plane-{size}"), cancellationToken);
        await controlPlane.ApplyCrdsAsync(cancellationToken);
        var client = controlPlane.Client;

        await using var simulator = await PveSimulatorServer.StartAsync(new SimulatorOptions
        {
            TaskDuration = settings.TaskDuration,
            ResourcesRefreshInterval = settings.ResourcesRefresh,
            DaemonWorkersPerNode = settings.DaemonWorkers,
            MaxParallelTasksPerNode = settings.ParallelTasksPerNode,
        }, cancellationToken);
        SeedSimulator(simulator);
        using var admin = AdminClient(simulator);
        if (settings.FullSpec)
        {
            await FullSpec.WriteUntypedKeysAsync(admin, Enumerable.Range(FirstVmid, size), settings.CreateParallelism, cancellationToken);
        }

        await CreateProviderAsync(client, simulator, settings.SyncInterval, cancellationToken);
        await using var watch = new ContainerWatch(client, Namespace, clock);

        Say($"N={size}: creating {size} LxcContainers ({settings.CreateParallelism} at a time)");
        var creating = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, size), new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.CreateParallelism,
            CancellationToken = cancellationToken,
        }, async (index, token) => await CreateContainerAsync(client, index, token));
        result.CreateTime = creating.Elapsed;
        Say($"N={size}: created in {result.CreateTime.TotalSeconds:F1} s");
        await WaitUntilAsync(() => watch.Count == size, TimeSpan.FromMinutes(2), "the watch to see every container", cancellationToken);

        // Cold start: every container exists, stopped in PVE, desired Running; now the operator starts.
        simulator.Counters.Reset();
        var apiBefore = await controlPlane.RequestCountsAsync(cancellationToken);
        var operatorStartedAt = clock.Elapsed;
        var logPath = Path.Combine(workDirectory, $"operator-{size}.log");
        File.Delete(logPath);
        await using var op = OperatorProcess.Start(operatorDll, controlPlane.Kubeconfig, logPath, ExtraOperatorArgs);
        using var sampler = new RssSampler(op);
        result.FirstReconcile = await op.WaitForFirstReconcileAsync(null, TimeSpan.FromSeconds(60), cancellationToken);
        result.FirstContainerReconcile = await op.WaitForFirstReconcileAsync("lxccontainer", TimeSpan.FromSeconds(60), cancellationToken);
        Say($"N={size}: operator pid {op.Pid}, first reconcile {result.FirstReconcile.TotalMilliseconds:F0} ms after start; converging " +
            $"(physical limit {settings.PhysicalLimit(size).TotalSeconds:F0} s)");

        var converged = await watch.WaitAllSettledAsync(size, settings.ConvergenceTimeout(size),
            settled => Say($"N={size}: {settled}/{size} Ready, {(clock.Elapsed - operatorStartedAt).TotalSeconds:F0} s"), cancellationToken);
        if (!converged)
        {
            throw new InvalidOperationException(
                $"N={size}: only {watch.SettledCount}/{size} containers Ready after {settings.ConvergenceTimeout(size)}; see {logPath}");
        }

        result.Convergence = (watch.AllSettledAt ?? clock.Elapsed) - operatorStartedAt;
        result.PhysicalLimit = settings.PhysicalLimit(size);
        result.ConvergenceCpu = op.CpuTime();
        result.ConvergenceByEndpoint = simulator.Counters.Snapshot();
        result.ConvergenceRequests = result.ConvergenceByEndpoint.Values.Sum();
        result.ConvergenceMaxInFlightPerNode = MaxInFlight(simulator);
        result.ConvergenceStatusWrites = Delta(apiBefore, await controlPlane.RequestCountsAsync(cancellationToken), "PATCH lxccontainers/status");
        (result.FailedTasks, result.LockTimeoutFailures) = await FailedTasksAsync(admin, cancellationToken);
        Say($"N={size}: all Ready {result.Convergence.TotalSeconds:F1} s after the operator started " +
            $"({result.Convergence / result.PhysicalLimit:F2}x the physical limit); {result.ConvergenceRequests} PVE requests");

        Say($"N={size}: settling for {settings.Settle.TotalSeconds:F0} s");
        await Task.Delay(settings.Settle, cancellationToken);
        await MeasureSteadyStateAsync(controlPlane, simulator, op, sampler, watch, cancellationToken);

        await MeasureReactionAsync(client, simulator, watch, cancellationToken);
        result.PeakRssBytes = sampler.Peak;

        if (settings.FailoverSizes.Contains(size))
        {
            await op.StopAsync(TimeSpan.FromSeconds(20));
            await MeasureFailoverAsync(controlPlane, simulator, cancellationToken);
        }

        Say($"N={size}: done; tearing down");
        return result;
    }

    private void SeedSimulator(PveSimulatorServer simulator)
    {
        for (var node = 0; node < settings.Nodes; node++)
        {
            simulator.Cluster.AddNode($"pve{node + 1}", "127.0.0.1");
        }

        for (var index = 0; index < size; index++)
        {
            var vmid = FirstVmid + index;
            var container = new SimContainer
            {
                Vmid = vmid,
                Node = NodeOf(index, settings.Nodes),
                Name = NameOf(vmid),
                Running = false,
                Net = { ["net0"] = FullSpec.Net0(index, settings.FullSpec) },
                // Documentation-range addresses: data only, nothing ever connects to them.
                DhcpAddresses = { ["eth0"] = $"198.18.{index / 250}.{index % 250 + 1}/16" },
            };
            if (settings.FullSpec)
            {
                FullSpec.Apply(container);
            }

            simulator.Cluster.AddContainer(container);
        }
    }

    internal static HttpClient AdminClient(PveSimulatorServer simulator) =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = simulator.BaseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>The bench and pve-system namespaces, the token Secret and the ProxmoxProvider "bench" for the simulator.</summary>
    internal static async Task CreateProviderAsync(IKubernetes client, PveSimulatorServer simulator, TimeSpan syncInterval, CancellationToken cancellationToken)
    {
        foreach (var name in new[] { Namespace, SystemNamespace })
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: cancellationToken);
        }

        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            // Only Secrets labelled as PVE credentials may be referenced by a provider.
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
                ["syncInterval"] = $"{(int)syncInterval.TotalSeconds}s",
            },
        };
        await client.CustomObjects.CreateClusterCustomObjectAsync(provider, Lxc.Group, Lxc.Version, "proxmoxproviders", cancellationToken: cancellationToken);
    }

    private async Task CreateContainerAsync(IKubernetes client, int index, CancellationToken cancellationToken)
    {
        var vmid = FirstVmid + index;
        var spec = new JsonObject
        {
            ["providerRef"] = new JsonObject { ["name"] = ProviderName },
            ["vmid"] = vmid,
            ["powerState"] = "Running",
        };
        if (settings.FullSpec)
        {
            FullSpec.AddTo(spec, NameOf(vmid), index);
        }

        var container = new JsonObject
        {
            ["apiVersion"] = $"{Lxc.Group}/{Lxc.Version}",
            ["kind"] = "LxcContainer",
            ["metadata"] = new JsonObject { ["name"] = NameOf(vmid), ["namespace"] = Namespace },
            ["spec"] = spec,
        };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(container, Lxc.Group, Lxc.Version, Namespace, Lxc.Plural, cancellationToken: cancellationToken);
    }

    private async Task MeasureSteadyStateAsync(
        ControlPlane controlPlane, PveSimulatorServer simulator, OperatorProcess op, RssSampler sampler, ContainerWatch watch, CancellationToken cancellationToken)
    {
        var window = settings.WindowFor(size);
        Say($"N={size}: steady state for {window.TotalSeconds:F0} s");
        simulator.Counters.Reset();
        var apiBefore = await controlPlane.RequestCountsAsync(cancellationToken);
        var cpuBefore = op.CpuTime();
        var modifiedBefore = watch.Modified;
        var listsBefore = watch.Lists;
        var started = Stopwatch.StartNew();
        await Task.Delay(window, cancellationToken);
        var elapsed = started.Elapsed;
        var cpu = op.CpuTime() - cpuBefore;
        var apiAfter = await controlPlane.RequestCountsAsync(cancellationToken);
        var requests = simulator.Counters.Snapshot();
        var minutes = elapsed.TotalMinutes;

        result.SteadyWindow = elapsed;
        result.SteadyByEndpoint = requests;
        result.SteadyPerMinute = requests.Values.Sum() / minutes;
        result.SteadyPerContainerPerMinute = requests.Where(r => r.Key.Contains("{vmid}", StringComparison.Ordinal)).Sum(r => r.Value) / minutes;
        result.BaselinePerMinute = size * (60 / settings.SyncInterval.TotalSeconds);
        result.SteadyMaxInFlightPerNode = MaxInFlight(simulator);
        result.SteadyContainerStatusWrites = Delta(apiBefore, apiAfter, "PATCH lxccontainers/status");
        result.SteadyProviderStatusWrites = Delta(apiBefore, apiAfter, "PATCH proxmoxproviders/status");
        result.SteadyWatchModified = watch.Modified - modifiedBefore;
        if (watch.Lists != listsBefore)
        {
            // The window's request counts then include the bench's own lists.
            Say($"N={size}: the bench's watch failed and re-listed {watch.Lists - listsBefore} times in the window: {watch.Failure}");
        }
        result.SteadyKubernetes = apiAfter.Where(a => !a.Key.StartsWith("WATCH", StringComparison.Ordinal))
            .ToDictionary(a => a.Key, a => a.Value - apiBefore.GetValueOrDefault(a.Key), StringComparer.Ordinal);
        result.SteadyKubernetesRequestsPerMinute = result.SteadyKubernetes.Values.Sum() / minutes;
        result.SteadySynced = Enumerable.Range(FirstVmid, size).Count(vmid => watch.Get(NameOf(vmid)) is { SyncedNow: true });
        result.IdleRssBytes = sampler.Current;
        result.IdleRssParts = op.ResidentParts();
        result.IdleCpuPercent = cpu / elapsed * 100;
        Say($"N={size}: {result.SteadyPerMinute:F1} PVE requests/min (baseline {result.BaselinePerMinute:F0}), " +
            $"{result.SteadyContainerStatusWrites} status writes, {result.SteadySynced}/{size} Synced, RSS {result.IdleRssBytes / 1048576.0:F0} MiB, CPU {result.IdleCpuPercent:F2}%");
    }

    private async Task MeasureReactionAsync(IKubernetes client, PveSimulatorServer simulator, ContainerWatch watch, CancellationToken cancellationToken)
    {
        var pipelines = settings.Nodes * settings.FlipPipelinesPerNode;
        var perPipeline = (int)Math.Ceiling(settings.Flips / (double)pipelines);
        Say($"N={size}: {perPipeline * pipelines} power-state flips, {pipelines} at a time (one container each, spread over the nodes)");
        var waiting = new ConcurrentDictionary<int, (string Action, TaskCompletionSource<long> Arrived)>();
        void OnPowerAction(int vmid, string action)
        {
            var now = Stopwatch.GetTimestamp();
            if (waiting.TryGetValue(vmid, out var wait) && wait.Action == action)
            {
                wait.Arrived.TrySetResult(now);
            }
        }

        simulator.Counters.PowerActionReceived += OnPowerAction;
        var latencies = new ConcurrentBag<double>();
        var timeouts = 0;
        try
        {
            // Pipeline p owns containers p, p + pipelines, ...: each on node p mod nodes, each flipped only once it settled.
            var owned = Enumerable.Range(0, pipelines)
                .Select(p => Enumerable.Range(0, Math.Min(size, pipelines * 4)).Where(i => i % pipelines == p).Select(i => FirstVmid + i).ToArray())
                .ToArray();
            await Task.WhenAll(owned.Select(vmids => Task.Run(async () =>
            {
                for (var flip = 0; flip < perPipeline; flip++)
                {
                    var vmid = vmids[flip % vmids.Length];
                    var name = NameOf(vmid);
                    var desired = watch.Get(name)!.DesiredPowerState == "Stopped" ? "Running" : "Stopped";
                    var arrived = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    waiting[vmid] = (desired == "Running" ? "start" : "shutdown", arrived);
                    var patch = new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["powerState"] = desired } }.ToJsonString(), V1Patch.PatchType.MergePatch);
                    var sent = Stopwatch.GetTimestamp();
                    var patched = await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Lxc.Group, Lxc.Version, Namespace, Lxc.Plural, name, cancellationToken: cancellationToken);
                    try
                    {
                        var at = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                        latencies.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
                    }
                    catch (TimeoutException)
                    {
                        Interlocked.Increment(ref timeouts);
                    }

                    waiting.TryRemove(vmid, out _);
                    // One flip in flight per pipeline: the next one waits until this container reached its new state.
                    var generation = ((JsonElement)patched).GetProperty("metadata").GetProperty("generation").GetInt64();
                    await WaitUntilAsync(() => watch.Get(name) is { } seen && seen.Metadata.Generation >= generation && seen.Settled,
                        TimeSpan.FromSeconds(120), $"{name} to settle at generation {generation}", cancellationToken);
                }
            }, cancellationToken)));
        }
        finally
        {
            simulator.Counters.PowerActionReceived -= OnPowerAction;
        }

        result.ReactionMs = [.. latencies];
        result.ReactionTimeouts = timeouts;
        Say($"N={size}: reaction p50 {result.Percentile(50):F1} ms, p99 {result.Percentile(99):F1} ms, {timeouts} timeouts");
    }

    private async Task MeasureFailoverAsync(ControlPlane controlPlane, PveSimulatorServer simulator, CancellationToken cancellationToken)
    {
        Say($"N={size}: leader election: two replicas, then the leader is killed");
        var first = OperatorProcess.Start(operatorDll, controlPlane.Kubeconfig, Path.Combine(workDirectory, $"operator-{size}-a.log"), ["--leader-elect"]);
        await using var a = first;
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        await using var b = OperatorProcess.Start(operatorDll, controlPlane.Kubeconfig, Path.Combine(workDirectory, $"operator-{size}-b.log"), ["--leader-elect"]);
        await a.WaitForFirstReconcileAsync(null, TimeSpan.FromSeconds(60), cancellationToken);
        // Let the leader's start-up round pass, and the standby's informers sync.
        await Task.Delay(TimeSpan.FromSeconds(15), cancellationToken);
        var standbyTotals = await b.ReconcileTotalsAsync(cancellationToken);
        if (standbyTotals is null || standbyTotals.Values.Sum() > 0)
        {
            throw new InvalidOperationException("the second replica reconciled while the first one led (or has no metrics)");
        }

        var apiBefore = await controlPlane.RequestCountsAsync(cancellationToken);
        simulator.Counters.Reset();
        var killed = Stopwatch.StartNew();
        a.Kill();
        var taken = TimeSpan.Zero;
        while (killed.Elapsed < TimeSpan.FromSeconds(90))
        {
            if ((await b.ReconcileTotalsAsync(cancellationToken))?.Values.Sum() > 0)
            {
                taken = killed.Elapsed;
                break;
            }

            await Task.Delay(5, cancellationToken);
        }

        if (taken == TimeSpan.Zero)
        {
            throw new InvalidOperationException("the standby did not take over within 90 s");
        }

        result.Failover = taken;
        // The new leader's start-up round over every container: how many status writes does it cost?
        await Task.Delay(TimeSpan.FromSeconds(20), cancellationToken);
        result.FailoverStatusWrites = Delta(apiBefore, await controlPlane.RequestCountsAsync(cancellationToken), "PATCH lxccontainers/status");
        result.FailoverRequests = simulator.Counters.Snapshot().Values.Sum();
        Say($"N={size}: new leader reconciling {taken.TotalSeconds:F1} s after the old one was killed; " +
            $"{result.FailoverStatusWrites} status writes and {result.FailoverRequests} PVE requests in the 20 s after");
    }

    private static async Task<(int Failed, int LockTimeouts)> FailedTasksAsync(HttpClient admin, CancellationToken cancellationToken)
    {
        var tasks = await admin.GetFromJsonAsync<JsonElement>(new Uri("/_sim/tasks", UriKind.Relative), cancellationToken);
        int failed = 0, lockTimeouts = 0;
        foreach (var task in tasks.EnumerateArray())
        {
            if (task.TryGetProperty("exitstatus", out var exit) && exit.ValueKind == JsonValueKind.String && exit.GetString() is { } text && text != "OK")
            {
                failed++;
                if (text.Contains("got timeout", StringComparison.Ordinal))
                {
                    lockTimeouts++;
                }
            }
        }

        return (failed, lockTimeouts);
    }

    private int MaxInFlight(PveSimulatorServer simulator) =>
        Enumerable.Range(1, settings.Nodes).Max(n => simulator.Counters.MaxInFlightPerNode($"pve{n}"));

    private static double Delta(Dictionary<string, double> before, Dictionary<string, double> after, string key) =>
        after.GetValueOrDefault(key) - before.GetValueOrDefault(key);

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            }

            await Task.Delay(10, cancellationToken);
        }
    }
}
