using System.Globalization;
using k8s;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>
/// Many creates at once on few storages: the per-storage limit keeps every vzcreate inside PVE's storage lock timeout
/// (CAPMOX #389, Telmate #1069, bpg #995 are this failure).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class StorageConcurrencyTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Count = 200;
    private static readonly string[] Nodes = ["pve1", "pve2", "pve3"];
    private static readonly string[] StorageIds = ["local-lvm", "tank"];

    // Each allocation holds its storage's lock 50 ms, and a task gives up after waiting 500 ms: 100 creates on one
    // storage sent at once would queue for up to 5 s, so most of them would time out. Two at a time wait 50 ms at most.
    private static readonly SimulatorOptions Contended = Options(TimeSpan.FromMilliseconds(50)) with
    {
        StorageAllocationDuration = TimeSpan.FromMilliseconds(50),
        StorageLockTimeout = TimeSpan.FromMilliseconds(500),
    };

    private OperatorHarness harness = null!;

    // Task polls every 100 ms (FastSettings: 200 ms): a storage slot is held until the operator has seen its task end.
    public async Task InitializeAsync() =>
        harness = await OperatorHarness.StartAsync(controlPlane, output, OperatorHarness.FastSettings with { TaskPollInterval = TimeSpan.FromMilliseconds(100) });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private async Task<PveSimulatorServer> StartContendedAsync()
    {
        var simulator = await harness.StartSimulatorAsync(Contended, Nodes);
        simulator.Cluster.AddStorage(new SimStorage { Id = "tank", Type = "zfspool", Content = ["rootdir", "images"], TotalBytes = 4000L << 30, UsedBytes = 0 });
        simulator.Cluster.AddStorage(simulator.Cluster.FindStorage("local-lvm")! with { TotalBytes = 4000L << 30 });
        return simulator;
    }

    [Fact]
    public async Task The_simulated_storage_lock_times_out_creates_sent_without_a_limit()
    {
        // The control for the test below: the same settings, creates sent straight to PVE all at once.
        var simulator = await StartContendedAsync();
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)
                is { } hash && string.Equals(hash, simulator.CertificateFingerprint.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase),
        };
        using var http = new HttpClient(handler) { BaseAddress = simulator.ApiUrl };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", simulator.DefaultAuthorizationHeader);
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => http.PostAsync("nodes/pve1/lxc", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["vmid"] = (1000 + i).ToString(CultureInfo.InvariantCulture),
            ["ostemplate"] = DebianTemplate,
            ["rootfs"] = "local-lvm:8",
        }))));
        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode, a.ReasonPhrase));

        await Eventually.TrueAsync(() => simulator.Counters.FailedTasks("vzcreate") + simulator.Cluster.Containers.Count(c => c.Lock is null) == 60,
            "all 60 creates ended", TimeSpan.FromSeconds(20));
        Assert.Contains(simulator.Counters.TaskFailures(), f => f.Type == "vzcreate" && f.ExitStatus.Contains("pve-storage-local-lvm' - got timeout", StringComparison.Ordinal));
        output.WriteLine($"without a limit: {simulator.Counters.FailedTasks("vzcreate")} of 60 creates failed on the storage lock");
    }

    [Fact]
    public async Task Two_hundred_resources_applied_at_once_to_three_nodes_and_two_storages_end_ready_without_a_lock_timeout()
    {
        var simulator = await StartContendedAsync();
        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.VmidRange = new VmidRange { Min = 2000, Max = 2999 });
        await harness.WaitForProviderAsync(provider, "True");

        var names = Enumerable.Range(0, Count).Select(i => $"bulk-{i:D3}").ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(16))
        {
            await Task.WhenAll(names.Select(async (name, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    // No spec.node: placed by free memory, which the CTs already placed use up.
                    await CreateResourceAsync(harness, provider, name, FromTemplate(storage: StorageIds[i % 2], more: s => s.Create!.RootfsSize = "2Gi"));
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        output.WriteLine($"timing: {Count} resources applied after {clock.Elapsed.TotalSeconds:0.0} s");
        IReadOnlyList<V1Alpha1LxcContainer> all = [];
        await Eventually.TrueAsync(async () => (all = await ListAsync()).Count(IsReadyRunning) == Count,
            () => $"all {Count} are Ready (Running); not yet: {string.Join(", ", all.Where(c => !IsReadyRunning(c)).Take(8).Select(c => $"{c.Metadata.Name}={Reason(c)}"))}; " +
                $"failed tasks: {string.Join(" | ", simulator.Counters.TaskFailures().Take(5).Select(f => $"{f.Type} {f.Id}: {f.ExitStatus}"))}",
            TimeSpan.FromSeconds(90));

        output.WriteLine($"timing: all Ready after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(simulator.Counters.TaskFailures());
        Assert.Equal(0, simulator.Counters.FailedTasks("vzcreate"));
        Assert.Equal(Count, simulator.Counters.Tasks("vzcreate"));
        Assert.Equal(Count, simulator.Counters.Get("POST /nodes/{node}/lxc"));

        var vmids = all.Select(c => c.Status.Vmid ?? 0).ToArray();
        Assert.Equal(Count, vmids.Distinct().Count());
        Assert.All(vmids, v => Assert.InRange(v, 2000, 2999));
        foreach (var resource in all)
        {
            var vmid = resource.Status.Vmid!.Value;
            var index = Array.IndexOf(names, resource.Metadata.Name);
            var ct = simulator.Cluster.GetContainer(vmid);
            Assert.NotNull(ct);
            Assert.True(ct.Running);
            Assert.Equal(resource.Status.Node, ct.Node);
            Assert.StartsWith($"{StorageIds[index % 2]}:", ct.Rootfs);
            Assert.Equal(1, simulator.Counters.LifecycleRequests(vmid, "create"));
        }

        // Spread over the three nodes, not piled onto the one that had the most free memory at the start.
        var perNode = simulator.Cluster.Containers.GroupBy(c => c.Node).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"placement: {string.Join(", ", perNode.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}");
        Assert.All(Nodes, node => Assert.True(perNode.GetValueOrDefault(node) >= Count / 10, $"{node} holds {perNode.GetValueOrDefault(node)} of {Count}"));
    }

    private async Task<IReadOnlyList<V1Alpha1LxcContainer>> ListAsync()
    {
        var list = await harness.Kube.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, harness.Namespace, "lxccontainers");
        return KubernetesJson.Deserialize<V1Alpha1LxcContainerList>(KubernetesJson.Serialize(list)).Items;
    }
}
