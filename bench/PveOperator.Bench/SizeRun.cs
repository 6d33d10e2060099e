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
    private readonly SizeResult result = new() { Size = size, Providers = settings.ProvidersAt(size) };

    /// <summary>BENCH_OPERATOR_ARGS, e.g. "--log-level Debug", for looking into a run.</summary>
    internal static string[] ExtraOperatorArgs =>
        Environment.GetEnvironmentVariable("BENCH_OPERATOR_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    internal static void Say(string text) => Console.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {text}");

    private static string NameOf(int vmid) => $"ct-{vmid}";

    private int Providers => settings.ProvidersAt(size);

    /// <summary>Container i belongs to provider i mod P (round-robin, so every provider gets N/P), on that provider's nodes in turn.</summary>
    private int ProviderOf(int index) => index % Providers;

    private string NodeOf(int index) => $"pve{index / Providers % settings.Nodes + 1}";

    private string ProviderNameOf(int index) => Providers == 1 ? ProviderName : $"{ProviderName}-{ProviderOf(index) + 1}";

    public async Task<SizeResult> RunAsync(CancellationToken cancellationToken)
    {
        Say($"N={size}: starting a fresh control plane");
        await using var controlPlane = await ControlPlane.StartAsync(repo, Path.Combine(workDirectory, $"control-plane-{size}"), cancellationToken);
        await controlPlane.ApplyCrdsAsync(cancellationToken);
        var client = controlPlane.Client;

        // One simulated PVE cluster per provider, each its own HTTPS server with its own token.
        var simulators = new List<PveSimulatorServer>();
        var admins = new List<HttpClient>();
        try
        {
            for (var p = 0; p < Providers; p++)
            {
                var simulator = await PveSimulatorServer.StartAsync(new SimulatorOptions
                {
                    TaskDuration = settings.TaskDuration,
                    ResourcesRefreshInterval = settings.ResourcesRefresh,
                    DaemonWorkersPerNode = settings.DaemonWorkers,
                    MaxParallelTasksPerNode = settings.ParallelTasksPerNode,
                }, cancellationToken);
                simulators.Add(simulator);
                admins.Add(AdminClient(simulator));
            }

            return await RunAsync(controlPlane, client, simulators, admins, cancellationToken);
        }
        finally
        {
            admins.ForEach(a => a.Dispose());
            foreach (var simulator in simulators)
            {
                await simulator.DisposeAsync();
            }
        }
    }

    private async Task<SizeResult> RunAsync(
        ControlPlane controlPlane, IKubernetes client, IReadOnlyList<PveSimulatorServer> simulators, IReadOnlyList<HttpClient> admins, CancellationToken cancellationToken)
    {
        var pve = new SimulatedClusters(simulators, settings.Nodes);
        SeedSimulators(simulators);
        if (settings.FullSpec)
        {
            for (var p = 0; p < Providers; p++)
            {
                var provider = p;
                await FullSpec.WriteUntypedKeysAsync(admins[p], Enumerable.Range(0, size).Where(i => ProviderOf(i) == provider).Select(i => FirstVmid + i),
                    settings.CreateParallelism, cancellationToken);
            }
        }

        for (var p = 0; p < Providers; p++)
        {
            await CreateProviderAsync(client, simulators[p], settings.SyncInterval, cancellationToken, ProviderNameOf(p));
        }

        await using var watch = new ContainerWatch(client, Namespace, clock);

        Say($"N={size}: creating {size} LxcContainers ({settings.CreateParallelism} at a time) for {Providers} provider(s)");
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
        pve.ResetCounters();
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
        result.ConvergenceByEndpoint = pve.Counts();
        result.ConvergenceRequests = result.ConvergenceByEndpoint.Values.Sum();
        result.ConvergenceMaxInFlightPerNode = pve.MaxInFlightPerNode();
        result.ConvergenceStatusWrites = Delta(apiBefore, await controlPlane.RequestCountsAsync(cancellationToken), "PATCH lxccontainers/status");
        (result.FailedTasks, result.LockTimeoutFailures) = await FailedTasksAsync(admins, cancellationToken);
        Say($"N={size}: all Ready {result.Convergence.TotalSeconds:F1} s after the operator started " +
            $"({result.Convergence / result.PhysicalLimit:F2}x the physical limit); {result.ConvergenceRequests} PVE requests");

        Say($"N={size}: settling for {settings.Settle.TotalSeconds:F0} s");
        await Task.Delay(settings.Settle, cancellationToken);
        await MeasureSteadyStateAsync(controlPlane, pve, op, sampler, watch, cancellationToken);

        await MeasureReactionAsync(client, simulators, watch, cancellationToken);
        result.PeakRssBytes = sampler.Peak;

        if (settings.FailoverSizes.Contains(size))
        {
            await op.StopAsync(TimeSpan.FromSeconds(20));
            await MeasureFailoverAsync(controlPlane, pve, cancellationToken);
        }

        if (settings.MemoryLimitSizes.Contains(size))
        {
            await op.StopAsync(TimeSpan.FromSeconds(20));
            await MeasureMemoryLimitedAsync(controlPlane, client, simulators, watch, cancellationToken);
        }

        Say($"N={size}: done; tearing down");
        return result;
    }

    private void SeedSimulators(IReadOnlyList<PveSimulatorServer> simulators)
    {
        foreach (var simulator in simulators)
        {
            for (var node = 0; node < settings.Nodes; node++)
            {
                simulator.Cluster.AddNode($"pve{node + 1}", "127.0.0.1");
            }
        }

        for (var index = 0; index < size; index++)
        {
            var vmid = FirstVmid + index;
            var container = new SimContainer
            {
                Vmid = vmid,
                Node = NodeOf(index),
                Name = NameOf(vmid),
                Running = false,
                Net = { ["net0"] = FullSpec.Net0(index, settings.FullSpec) },
                // Documentation-range addresses: data only, nothing ever connects to them.
                DhcpAddresses = { ["eth0"] = $"198.18.{index / 250 % 250}.{index % 250 + 1}/16" },
            };
            if (settings.FullSpec)
            {
                FullSpec.Apply(container);
            }

            simulators[ProviderOf(index)].Cluster.AddContainer(container);
        }
    }

    internal static HttpClient AdminClient(PveSimulatorServer simulator) =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = simulator.BaseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>The bench and pve-system namespaces, the token Secret and the ProxmoxProvider "bench" for the simulator.</summary>
    internal static async Task CreateProviderAsync(
        IKubernetes client, PveSimulatorServer simulator, TimeSpan syncInterval, CancellationToken cancellationToken, string providerName = ProviderName)
    {
        foreach (var name in new[] { Namespace, SystemNamespace })
        {
            try
            {
                await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: cancellationToken);
            }
            catch (k8s.Autorest.HttpOperationException conflict) when (conflict.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // The second provider of a run: the namespaces exist already.
            }
        }

        var secretName = providerName == ProviderName ? "pve-token" : $"pve-token-{providerName}";

        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            // Only Secrets labelled as PVE credentials may be referenced by a provider.
            Metadata = new V1ObjectMeta
            {
                Name = secretName,
                NamespaceProperty = SystemNamespace,
                Labels = new Dictionary<string, string> { ["pve-operator.io/credentials"] = "true" },
            },
            StringData = new Dictionary<string, string> { ["secret"] = simulator.DefaultTokenSecret },
        }, SystemNamespace, cancellationToken: cancellationToken);

        var provider = new JsonObject
        {
            ["apiVersion"] = $"{Lxc.Group}/{Lxc.Version}",
            ["kind"] = "ProxmoxProvider",
            ["metadata"] = new JsonObject { ["name"] = providerName },
            ["spec"] = new JsonObject
            {
                ["url"] = simulator.BaseUrl.ToString().TrimEnd('/'),
                ["tokenId"] = PveSimulatorServer.DefaultTokenId,
                ["secretRef"] = new JsonObject { ["namespace"] = SystemNamespace, ["name"] = secretName, ["key"] = "secret" },
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
            ["providerRef"] = new JsonObject { ["name"] = ProviderNameOf(index) },
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
        ControlPlane controlPlane, SimulatedClusters pve, OperatorProcess op, RssSampler sampler, ContainerWatch watch, CancellationToken cancellationToken)
    {
        var window = settings.WindowFor(size);
        Say($"N={size}: steady state for {window.TotalSeconds:F0} s");
        pve.ResetCounters();
        var apiBefore = await controlPlane.RequestCountsAsync(cancellationToken);
        var cpuBefore = op.CpuTime();
        var modifiedBefore = watch.Modified;
        var listsBefore = watch.Lists;
        var started = Stopwatch.StartNew();
        await Task.Delay(window, cancellationToken);
        var elapsed = started.Elapsed;
        var cpu = op.CpuTime() - cpuBefore;
        var apiAfter = await controlPlane.RequestCountsAsync(cancellationToken);
        var requests = pve.Counts();
        var minutes = elapsed.TotalMinutes;

        result.SteadyWindow = elapsed;
        result.SteadyByEndpoint = requests;
        result.SteadyPerMinute = requests.Values.Sum() / minutes;
        result.SteadyPerContainerPerMinute = requests.Where(r => r.Key.Contains("{vmid}", StringComparison.Ordinal)).Sum(r => r.Value) / minutes;
        result.BaselinePerMinute = size * (60 / settings.SyncInterval.TotalSeconds);
        result.SteadyMaxInFlightPerNode = pve.MaxInFlightPerNode();
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

    private async Task MeasureReactionAsync(IKubernetes client, IReadOnlyList<PveSimulatorServer> simulators, ContainerWatch watch, CancellationToken cancellationToken)
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

        foreach (var simulator in simulators)
        {
            simulator.Counters.PowerActionReceived += OnPowerAction;
        }

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
            foreach (var simulator in simulators)
            {
                simulator.Counters.PowerActionReceived -= OnPowerAction;
            }
        }

        result.ReactionMs = [.. latencies];
        result.ReactionTimeouts = timeouts;
        Say($"N={size}: reaction p50 {result.Percentile(50):F1} ms, p99 {result.Percentile(99):F1} ms, {timeouts} timeouts");
    }

    private async Task MeasureFailoverAsync(ControlPlane controlPlane, SimulatedClusters pve, CancellationToken cancellationToken)
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
        pve.ResetCounters();
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
        result.FailoverRequests = pve.Counts().Values.Sum();
        Say($"N={size}: new leader reconciling {taken.TotalSeconds:F1} s after the old one was killed; " +
            $"{result.FailoverStatusWrites} status writes and {result.FailoverRequests} PVE requests in the 20 s after");
    }

    /// <summary>
    /// The cold convergence once more, the operator inside a memory cgroup as a pod's limit puts it: every container
    /// stopped in PVE and every status cleared first (a restored cluster), so the operator does the same work again.
    /// </summary>
    private async Task MeasureMemoryLimitedAsync(
        ControlPlane controlPlane, IKubernetes client, IReadOnlyList<PveSimulatorServer> simulators, ContainerWatch watch, CancellationToken cancellationToken)
    {
        var limit = settings.MemoryLimitMiB;
        var (cgroup, failure) = MemoryCgroup.TryCreate($"pve-bench-{size}-{Environment.ProcessId}", limit * 1024L * 1024);
        if (cgroup is null)
        {
            result.MemoryLimited = new MemoryLimitedResult { LimitMiB = limit, Skipped = failure };
            Say($"N={size}: no {limit} MiB pass: {failure}");
            return;
        }

        using (cgroup)
        {
            Say($"N={size}: cold convergence again inside a {limit} MiB memory cgroup ({cgroup.Path}): stopping every container, clearing every status");
            foreach (var simulator in simulators)
            {
                foreach (var container in simulator.Cluster.Containers)
                {
                    simulator.Cluster.UpdateContainer(container.Vmid, ct => ct.Running = false);
                }
            }

            var clear = new V1Patch("""{"status":null}""", V1Patch.PatchType.MergePatch);
            await Parallel.ForEachAsync(Enumerable.Range(0, size), new ParallelOptions
            {
                MaxDegreeOfParallelism = settings.CreateParallelism,
                CancellationToken = cancellationToken,
            }, async (index, token) => await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                clear, Lxc.Group, Lxc.Version, Namespace, Lxc.Plural, NameOf(FirstVmid + index), cancellationToken: token));
            await WaitUntilAsync(() => watch.SettledCount == 0, TimeSpan.FromMinutes(2), "every status cleared", cancellationToken);
            watch.ResetAllSettled();
            // The simulator's /cluster/resources shows the stopped containers after its next refresh.
            await Task.Delay(settings.ResourcesRefresh, cancellationToken);

            var run = new MemoryLimitedResult { LimitMiB = limit };
            result.MemoryLimited = run;
            var logPath = Path.Combine(workDirectory, $"operator-{size}-memory-{limit}.log");
            File.Delete(logPath);
            var startedAt = clock.Elapsed;
            await using var op = OperatorProcess.Start(operatorDll, controlPlane.Kubeconfig, logPath, ExtraOperatorArgs, cgroup);
            using var sampler = new RssSampler(op);
            var timeout = settings.ConvergenceTimeout(size);
            var converged = false;
            var waited = Stopwatch.StartNew();
            while (!converged && !op.HasExited && waited.Elapsed < timeout)
            {
                converged = await watch.WaitAllSettledAsync(size, TimeSpan.FromSeconds(30),
                    settled => Say($"N={size} in {limit} MiB: {settled}/{size} Ready, {(clock.Elapsed - startedAt).TotalSeconds:F0} s"), cancellationToken);
            }

            run.Convergence = converged ? (watch.AllSettledAt ?? clock.Elapsed) - startedAt : null;
            run.PeakRssBytes = sampler.Peak;
            run.CgroupPeakBytes = cgroup.PeakUsageBytes;
            run.LimitHits = cgroup.LimitHits;
            run.OomKills = cgroup.OomKills;
            run.ExitCode = op.ExitCode;
            Say($"N={size} in {limit} MiB: " + (converged
                ? $"all Ready {run.Convergence!.Value.TotalSeconds:F1} s after the start ({run.Convergence.Value / settings.PhysicalLimit(size):F2}x)"
                : $"did not converge ({watch.SettledCount}/{size} Ready, exit code {run.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})") +
                $"; peak RSS {run.PeakRssBytes / 1048576.0:F0} MiB, cgroup peak {run.CgroupPeakBytes / 1048576.0:F0} MiB, limit hits {run.LimitHits}, OOM kills {run.OomKills}");
            await op.StopAsync(TimeSpan.FromSeconds(20));
        }
    }

    private static async Task<(int Failed, int LockTimeouts)> FailedTasksAsync(IReadOnlyList<HttpClient> admins, CancellationToken cancellationToken)
    {
        var tasks = new List<JsonElement>();
        foreach (var admin in admins)
        {
            tasks.AddRange((await admin.GetFromJsonAsync<JsonElement>(new Uri("/_sim/tasks", UriKind.Relative), cancellationToken)).EnumerateArray());
        }

        int failed = 0, lockTimeouts = 0;
        foreach (var task in tasks)
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
