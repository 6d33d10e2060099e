using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Operator;

[Collection(ControlPlaneCollection.Name)]
public sealed class ContainerTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private static SimContainer Container(int vmid, string node, bool running, string? dhcp = null) => new()
    {
        Vmid = vmid,
        Node = node,
        Name = $"ct{vmid}",
        Running = running,
        Net = { ["net0"] = $"name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:{vmid % 100:D2}:01,ip=dhcp,ip6=fd00::{vmid}/64,type=veth" },
        DhcpAddresses = { ["eth0"] = dhcp ?? $"192.168.3.{vmid % 200}/24" },
    };

    [Fact]
    public async Task A_container_is_started_with_its_addresses_then_shut_down()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions
        {
            TaskDuration = TimeSpan.FromMilliseconds(300),
            ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500),
            DhcpDelay = TimeSpan.FromSeconds(1),
        });
        simulator.Cluster.AddContainer(Container(101, "pve2", running: false, dhcp: "192.168.3.95/24"));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 101);

        // The real kubectl sees the condition as Argo CD, Flux and scripts do.
        var (exitCode, text) = await harness.KubectlAsync("wait", "--for=condition=Ready", $"lxc/{name}", "-n", harness.Namespace, "--timeout=30s");
        Assert.True(exitCode == 0, text);

        var container = await harness.WaitForContainerAsync(name, c => c.Status.IpAddresses?.Contains("192.168.3.95") == true, "DHCP address reported");
        Assert.Equal("pve2", container.Status.Node);
        Assert.Equal("running", container.Status.State);
        Assert.True(container.Status.Running);
        Assert.Equal("ct101", container.Status.Hostname);
        Assert.Equal(["192.168.3.95", "fd00::101"], container.Status.IpAddresses);
        var eth0 = Assert.Single(container.Status.Interfaces!);
        Assert.Equal("eth0", eth0.Name);
        Assert.DoesNotContain(eth0.IpAddresses!, a => a.StartsWith("fe80", StringComparison.Ordinal) || a.StartsWith("127.", StringComparison.Ordinal));
        Assert.Null(container.Status.Operation);
        Assert.Equal(1, simulator.Counters.PowerActions(101, "start"));

        await harness.PatchContainerSpecAsync(name, new { powerState = "Stopped", shutdown = new { timeoutSeconds = 20, forceStop = false } });
        container = await harness.WaitForContainerAsync(name, "True", Reasons.Stopped);
        Assert.False(container.Status.Running);
        Assert.Null(container.Status.IpAddresses);
        Assert.False(simulator.Cluster.GetContainer(101)!.Running);
        Assert.Equal(1, simulator.Counters.PowerActions(101, "shutdown"));
        Assert.Equal(0, simulator.Counters.PowerActions(101, "stop"));

        var (_, table) = await harness.KubectlAsync("get", "lxc", name, "-n", harness.Namespace, "-o", "wide");
        Assert.Matches(@"ct-101\s+\S+\s+pve2\s+101\s+Stopped\s+stopped\s+True", table);
    }

    [Fact]
    public async Task Drift_made_in_PVE_is_corrected()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Container(102, "pve1", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 102);
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);
        Assert.Equal(0, simulator.Counters.PowerActions(102, "start"));

        // Someone stops it in the PVE GUI.
        simulator.Cluster.SetContainerStatus(102, running: false);

        await harness.WaitForContainerAsync(name, c => c.Status.Running == true && simulator.Counters.PowerActions(102, "start") == 1
            && simulator.Cluster.GetContainer(102)!.Running, "the container is started again");
        Assert.Equal(1, simulator.Counters.PowerActions(102, "start"));
    }

    [Fact]
    public async Task A_migrated_container_is_followed_to_its_new_node()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Container(103, "pve1", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 103);
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        simulator.Cluster.MigrateContainer(103, "pve2");

        var container = await harness.WaitForContainerAsync(name, c => c.Status.Node == "pve2", "status.node follows the migration");
        Assert.Equal("True", ConditionList.Find(container.Status.Conditions, ConditionTypes.Ready)!.Status);
        Assert.Equal(0, simulator.Counters.PowerActions(103, "start"));
    }

    [Fact]
    public async Task A_failed_task_is_surfaced_then_retried_until_it_succeeds()
    {
        var simulator = await harness.StartSimulatorAsync();
        var ct = Container(104, "pve1", running: false);
        ct.StartFailure = "startup for container '104' failed";
        simulator.Cluster.AddContainer(ct);
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 104);

        var failed = await harness.WaitForContainerAsync(name, "False", Reasons.TaskFailed);
        Assert.Contains("startup for container '104' failed", ConditionList.Find(failed.Status.Conditions, ConditionTypes.Ready)!.Message);
        Assert.Equal("True", ConditionList.Find(failed.Status.Conditions, ConditionTypes.Stalled)!.Status);
        await Eventually.TrueAsync(async () => (await harness.EventsForAsync(name)).Any(e => e.Reason == Reasons.TaskFailed && e.Type == "Warning"),
            "a Warning event reports the failed task");

        simulator.Cluster.GetContainer(104)!.StartFailure = null;

        await harness.WaitForContainerAsync(name, "True", Reasons.Running, TimeSpan.FromSeconds(30));
        var starts = simulator.Counters.PowerActions(104, "start");
        Assert.InRange(starts, 2, 6);
    }

    [Fact]
    public async Task A_container_that_does_not_exist_is_NotFound()
    {
        var simulator = await harness.StartSimulatorAsync();
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 999);

        var container = await harness.WaitForContainerAsync(name, "False", Reasons.NotFound);
        Assert.Contains("pve1, pve2", ConditionList.Find(container.Status.Conditions, ConditionTypes.Ready)!.Message);

        var pinned = await harness.CreateContainerAsync(provider, 998, customize: s => s.Node = "pve9", name: "pinned");
        container = await harness.WaitForContainerAsync(pinned, "False", Reasons.NotFound);
        Assert.Contains("proxmox node pve9 not found (available: pve1, pve2)", ConditionList.Find(container.Status.Conditions, ConditionTypes.Ready)!.Message);
    }

    [Fact]
    public async Task A_container_whose_provider_is_missing_reports_ProviderNotReady()
    {
        var name = await harness.CreateContainerAsync("no-such-provider", 105);

        var container = await harness.WaitForContainerAsync(name, "False", Reasons.ProviderNotReady);
        Assert.Contains("no-such-provider", ConditionList.Find(container.Status.Conditions, ConditionTypes.Ready)!.Message);
    }

    [Fact]
    public async Task Deletion_with_policy_Orphan_leaves_the_container_running()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Container(106, "pve1", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 106);
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        await harness.DeleteContainerAsync(name);

        await Eventually.TrueAsync(async () => !await harness.ContainerExistsAsync(name), "the resource is gone");
        Assert.True(simulator.Cluster.GetContainer(106)!.Running);
        Assert.Equal(0, simulator.Counters.PowerActions(106, "shutdown"));
    }

    [Fact]
    public async Task Deletion_with_policy_Stop_shuts_the_container_down_first()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Container(107, "pve1", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 107, customize: s => s.DeletionPolicy = DeletionPolicy.Stop);
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        await harness.DeleteContainerAsync(name);

        await Eventually.TrueAsync(async () => !await harness.ContainerExistsAsync(name), "the resource is gone", TimeSpan.FromSeconds(20));
        Assert.False(simulator.Cluster.GetContainer(107)!.Running);
        Assert.Equal(1, simulator.Counters.PowerActions(107, "shutdown"));
    }

    [Fact]
    public async Task Nothing_is_stuck_on_a_finalizer_when_the_provider_is_gone()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Container(108, "pve1", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 108, customize: s => s.DeletionPolicy = DeletionPolicy.Stop);
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        await harness.DeleteProviderAsync(provider);
        var orphaned = await harness.WaitForContainerAsync(name, "False", Reasons.ProviderNotReady);
        Assert.Contains("not found", ConditionList.Find(orphaned.Status.Conditions, ConditionTypes.Ready)!.Message);

        await harness.DeleteContainerAsync(name);

        await Eventually.TrueAsync(async () => !await harness.ContainerExistsAsync(name), "the resource is gone", TimeSpan.FromSeconds(20));
        Assert.True(simulator.Cluster.GetContainer(108)!.Running);
        Assert.Contains(await harness.EventsForAsync(name), e => e.Reason == "ProviderGone" && e.Type == "Warning");
    }

    [Fact]
    public async Task At_steady_state_requests_do_not_grow_with_the_number_of_containers()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions
        {
            TaskDuration = TimeSpan.FromMilliseconds(100),
            ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500),
        });
        for (var i = 0; i < 50; i++)
        {
            simulator.Cluster.AddContainer(Container(200 + i, i % 2 == 0 ? "pve1" : "pve2", running: i % 5 != 0));
        }

        var provider = await harness.CreateProviderAsync(simulator);
        var names = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            names.Add(await harness.CreateContainerAsync(provider, 200 + i, i % 3 == 0 ? PowerState.Stopped : PowerState.Running));
        }

        foreach (var name in names)
        {
            await harness.WaitForContainerAsync(name, "True", timeout: TimeSpan.FromSeconds(60));
        }

        // Let the snapshot catch up with the last actions (their confirming reads die down), then watch a quiet window.
        long PerContainer() => simulator.Counters.Snapshot().Where(p => p.Key.Contains("{vmid}", StringComparison.Ordinal)).Sum(p => p.Value);
        await Eventually.SettledAsync(PerContainer, "the per-container requests", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        var before = simulator.Counters.Snapshot();
        await Eventually.ConsistentlyAsync(() => PerContainer() == before.Where(p => p.Key.Contains("{vmid}", StringComparison.Ordinal)).Sum(p => p.Value),
            "no request about any container at steady state", TimeSpan.FromSeconds(5));
        var after = simulator.Counters.Snapshot();
        var delta = after.ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key)).Where(p => p.Value > 0).ToDictionary();
        output.WriteLine("requests in the quiet window: " + string.Join(", ", delta.Select(p => $"{p.Key}={p.Value}")));

        // Only the provider's syncs remain, one /cluster/status and one /cluster/resources each, whatever the number of containers.
        Assert.Equal(["GET /cluster/resources", "GET /cluster/status"], delta.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(delta["GET /cluster/resources"] - delta["GET /cluster/status"], -1, 1);
    }
}
