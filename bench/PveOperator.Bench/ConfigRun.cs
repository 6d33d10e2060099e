using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PveSimulator;

namespace PveOperator.Bench;

/// <summary>
/// The configuration-change scenario at one size N: a fresh control plane and simulator, N running containers whose
/// LxcContainers carry a full spec matching PVE, the operator started and every container Synced; then
/// spec.resources.memory patched on all N (a change in Git), timed until every one is Synced=True for its new
/// generation and PVE shows the new memory.
/// </summary>
internal sealed class ConfigRun(ConfigSettings settings, string repo, string operatorDll, string workDirectory, int size, int? reconciles)
{
    private const string Namespace = "bench";
    private const int FirstVmid = 2000;

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConfigResult result = new() { Size = size, Reconciles = reconciles };

    private string Label => $"config N={size}, {result.EffectiveReconciles} reconcilers";

    private static string NameOf(int vmid) => $"cfg-{vmid}";

    private static void Say(string text) => SizeRun.Say(text);

    public async Task<ConfigResult> RunAsync(CancellationToken cancellationToken)
    {
        Say($"{Label}: starting a fresh control plane");
        var tag = $"config-{size}-{result.EffectiveReconciles}";
        await using var controlPlane = await ControlPlane.StartAsync(repo, Path.Combine(workDirectory, $"control-plane-{tag}"), cancellationToken);
        await controlPlane.ApplyCrdsAsync(cancellationToken);
        var client = controlPlane.Client;

        await using var simulator = await PveSimulatorServer.StartAsync(new SimulatorOptions
        {
            TaskDuration = settings.TaskDuration,
            ResourcesRefreshInterval = settings.ResourcesRefresh,
            DaemonWorkersPerNode = settings.DaemonWorkers,
            MaxParallelTasksPerNode = settings.ParallelTasksPerNode,
        }, cancellationToken);
        using var admin = SizeRun.AdminClient(simulator);
        await SeedSimulatorAsync(simulator, admin, cancellationToken);
        // Every request from here on takes this long in PVE, holding one of its node's daemon slots.
        simulator.Faults.AddedLatency = settings.RequestTime;

        await SizeRun.CreateProviderAsync(client, simulator, settings.SyncInterval, cancellationToken);
        await using var watch = new ContainerWatch(client, Namespace, clock);
        await Parallel.ForEachAsync(Enumerable.Range(0, size), new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.RequestParallelism,
            CancellationToken = cancellationToken,
        }, async (index, token) => await CreateContainerAsync(client, index, token));
        await SizeRun.WaitUntilAsync(() => watch.Count == size, TimeSpan.FromMinutes(2), "the watch to see every container", cancellationToken);

        // The operator starts on N containers that are running and in sync: the first sync reads each config once, writes nothing.
        simulator.Counters.Reset();
        var logPath = Path.Combine(workDirectory, $"operator-{tag}.log");
        File.Delete(logPath);
        var operatorArgs = SizeRun.ExtraOperatorArgs.ToList();
        if (reconciles is { } workers)
        {
            operatorArgs.AddRange(["--max-concurrent-reconciles", workers.ToString(CultureInfo.InvariantCulture)]);
        }

        var started = clock.Elapsed;
        await using var op = OperatorProcess.Start(operatorDll, controlPlane.Kubeconfig, logPath, operatorArgs);
        var names = Enumerable.Range(0, size).Select(i => NameOf(FirstVmid + i)).ToArray();
        await WaitAllAsync(watch, names, _ => true, "Ready and Synced", logPath, cancellationToken);
        result.InitialSync = clock.Elapsed - started;
        result.InitialByEndpoint = simulator.Counters.Snapshot();
        result.InitialWrites = simulator.Counters.Get("PUT /nodes/{node}/lxc/{vmid}/config");
        Say($"{Label}: all Ready and Synced {result.InitialSync.TotalSeconds:F1} s after the operator started; " +
            $"{result.InitialByEndpoint.Values.Sum()} PVE requests, {result.InitialWrites} config writes; settling for {settings.Settle.TotalSeconds:F0} s");
        await Task.Delay(settings.Settle, cancellationToken);

        result.PhysicalLimit = settings.PhysicalLimit(size);
        result.OperatorBound = settings.OperatorBound(size, result.EffectiveReconciles);
        var memory = FullSpec.Quantity(settings.MemoryAfterMb);
        Say($"{Label}: patching spec.resources.memory to {memory} on all {size} (physical limit {result.PhysicalLimit.TotalSeconds:F1} s; " +
            $"the operator's caps allow {result.OperatorBound.TotalSeconds:F1} s)");
        simulator.Counters.Reset();
        var apiBefore = await controlPlane.RequestCountsAsync(cancellationToken);
        var generations = new Dictionary<string, long>(StringComparer.Ordinal);
        using var pve = new MemorySampler(simulator, [.. Enumerable.Range(FirstVmid, size)], settings.MemoryAfterMb, clock);
        var patch = new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["resources"] = new JsonObject { ["memory"] = memory } } }.ToJsonString(),
            V1Patch.PatchType.MergePatch);
        var patching = clock.Elapsed;
        await Parallel.ForEachAsync(names, new ParallelOptions
        {
            MaxDegreeOfParallelism = settings.RequestParallelism,
            CancellationToken = cancellationToken,
        }, async (name, token) =>
        {
            var patched = (JsonElement)await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Lxc.Group, Lxc.Version, Namespace, Lxc.Plural, name, cancellationToken: token);
            var generation = patched.GetProperty("metadata").GetProperty("generation").GetInt64();
            lock (generations)
            {
                generations[name] = generation;
            }
        });
        result.PatchTime = clock.Elapsed - patching;
        await WaitAllAsync(watch, names, seen => seen.Metadata.Generation >= generations[seen.Metadata.Name], "Synced at the patched generation", logPath, cancellationToken);
        result.ChangeTime = clock.Elapsed - patching;
        result.PveDoneAfter = pve.AllChangedAt - patching;
        result.ChangedInPve = pve.Changed;
        result.ChangeByEndpoint = simulator.Counters.Snapshot();
        result.ChangeRequests = result.ChangeByEndpoint.Values.Sum();
        var apiAfter = await controlPlane.RequestCountsAsync(cancellationToken);
        result.ChangeStatusWrites = apiAfter.GetValueOrDefault("PATCH lxccontainers/status") - apiBefore.GetValueOrDefault("PATCH lxccontainers/status");
        result.MaxInFlightPerNode = Enumerable.Range(1, settings.Nodes).Max(n => simulator.Counters.MaxInFlightPerNode($"pve{n}"));
        result.MaxServingPerNode = Enumerable.Range(1, settings.Nodes).Max(n => simulator.Counters.MaxServingPerNode($"pve{n}"));
        Say($"{Label}: all Synced {result.ChangeTime.TotalSeconds:F2} s after the first patch ({result.Ratio:F2}x the physical limit, " +
            $"{result.OperatorRatio:F2}x what the operator's caps allow); PVE had the new memory on {result.ChangedInPve}/{size} after " +
            $"{result.PveDoneAfter?.TotalSeconds:F2} s; {result.ChangeRequests} PVE requests, {result.ChangeStatusWrites} status writes");
        if (result.ChangedInPve != size)
        {
            throw new InvalidOperationException($"{Label}: only {result.ChangedInPve}/{size} containers have the new memory in PVE although all are Synced; see {logPath}");
        }

        return result;
    }

    private async Task SeedSimulatorAsync(PveSimulatorServer simulator, HttpClient admin, CancellationToken cancellationToken)
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
                Node = $"pve{index % settings.Nodes + 1}",
                Name = NameOf(vmid),
                Running = true,
                Net = { ["net0"] = FullSpec.Net0(index, full: true) },
                DhcpAddresses = { ["eth0"] = $"198.18.{index / 250}.{index % 250 + 1}/16" },
            };
            FullSpec.Apply(container);
            container.MemoryMb = settings.MemoryBeforeMb;
            simulator.Cluster.AddContainer(container);
        }

        await FullSpec.WriteUntypedKeysAsync(admin, Enumerable.Range(FirstVmid, size), settings.RequestParallelism, cancellationToken);
    }

    private async Task CreateContainerAsync(IKubernetes client, int index, CancellationToken cancellationToken)
    {
        var vmid = FirstVmid + index;
        var spec = new JsonObject
        {
            ["providerRef"] = new JsonObject { ["name"] = SizeRun.ProviderName },
            ["vmid"] = vmid,
            ["powerState"] = "Running",
        };
        FullSpec.AddTo(spec, NameOf(vmid), index);
        spec["resources"]!["memory"] = FullSpec.Quantity(settings.MemoryBeforeMb);
        var container = new JsonObject
        {
            ["apiVersion"] = $"{Lxc.Group}/{Lxc.Version}",
            ["kind"] = "LxcContainer",
            ["metadata"] = new JsonObject { ["name"] = NameOf(vmid), ["namespace"] = Namespace },
            ["spec"] = spec,
        };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(container, Lxc.Group, Lxc.Version, Namespace, Lxc.Plural, cancellationToken: cancellationToken);
    }

    /// <summary>Waits until every named container is settled (Ready as desired) and Synced=True for its current generation, and passes <paramref name="also"/>.</summary>
    private async Task WaitAllAsync(ContainerWatch watch, IReadOnlyList<string> names, Func<Lxc, bool> also, string what, string logPath, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var timeout = settings.Timeout(size);
        while (true)
        {
            var done = names.Count(n => watch.Get(n) is { } seen && seen.Settled && seen.SyncedNow && also(seen));
            if (done == names.Count)
            {
                return;
            }

            if (waited.Elapsed > timeout)
            {
                var sample = names.Select(watch.Get).FirstOrDefault(seen => seen is not null && !(seen.Settled && seen.SyncedNow && also(seen)));
                var synced = sample?.Condition("Synced");
                throw new InvalidOperationException($"{Label}: only {done}/{names.Count} {what} after {timeout}; e.g. {sample?.Metadata.Name}: Synced " +
                    $"{synced?.Status}/{synced?.Reason} at generation {synced?.ObservedGeneration} of {sample?.Metadata.Generation}; see {logPath}");
            }

            if (waited.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = waited.Elapsed;
                Say($"{Label}: {done}/{names.Count} {what}, {waited.Elapsed.TotalSeconds:F0} s");
            }

            await Task.Delay(10, cancellationToken);
        }
    }
}
