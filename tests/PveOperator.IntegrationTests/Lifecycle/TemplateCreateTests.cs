using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>Create from an ostemplate: vmid allocated from the provider's range, placed by free memory, started, addressed.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TemplateCreateTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task A_container_created_from_a_template_gets_the_lowest_free_vmid_of_the_range_and_runs_with_an_address()
    {
        // Allocating the disk takes a while, so the create can be seen in progress.
        var simulator = await harness.StartSimulatorAsync(Options() with { StorageAllocationDuration = TimeSpan.FromSeconds(1.5) }, "pve1", "pve2", "pve3");
        // 10000 and 10002 are taken: the lowest free id of the range is 10001, not max + 1.
        simulator.Cluster.AddContainer(HandMadeContainer(10000, "pve1", running: false));
        simulator.Cluster.AddContainer(HandMadeContainer(10002, "pve2", running: false));
        // Running guests use memory on pve1 and pve2: pve3 has the most free memory.
        foreach (var (vmid, node) in new[] { (300, "pve1"), (301, "pve2") })
        {
            var hog = HandMadeContainer(vmid, node, running: true);
            hog.MemoryMb = 16384;
            simulator.Cluster.AddContainer(hog);
        }

        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.VmidRange = new VmidRange { Min = 10000, Max = 10099 });
        await harness.WaitForProviderAsync(provider, "True");
        var name = await CreateResourceAsync(harness, provider, "web", FromTemplate(more: s => s.Create!.RootfsSize = "10Gi"));

        // In progress: the vmid is in status, the vzcreate task is tracked in status.operation, Reconciling says Creating.
        var creating = await harness.WaitForContainerAsync(name, c =>
            c.Status?.Operation is { Type: OperationType.Create, Upid: { } upid } && upid.Contains(":vzcreate:10001:", StringComparison.Ordinal)
            && Condition(c, ConditionTypes.Reconciling) is { Status: "True", Reason: Reasons.Creating },
            "the create is tracked in status.operation with its vzcreate UPID and Reconciling=True (Creating)");
        Assert.Equal(10001, creating.Status.Vmid);

        var ready = await harness.WaitForContainerAsync(name, c => IsReadyRunning(c) && HasDhcpAddress(c),
            "web is Ready (Running) with its DHCP address", TimeSpan.FromSeconds(40));
        Assert.Equal(10001, ready.Status.Vmid);
        Assert.Null(ready.Spec.Vmid);
        Assert.Equal("pve3", ready.Status.Node);
        Assert.True(ready.Status.Running);
        Assert.Null(ready.Status.Operation);
        Assert.Equal("web", ready.Status.Hostname);

        // What PVE holds: the CT on pve3, named after the resource, 10 GiB on local-lvm, unprivileged, carrying the mark.
        var ct = simulator.Cluster.GetContainer(10001);
        Assert.NotNull(ct);
        Assert.Equal("pve3", ct.Node);
        Assert.True(ct.Running);
        Assert.Equal("web", ct.Name);
        Assert.StartsWith("local-lvm:vm-10001-disk-0,", ct.Rootfs);
        Assert.Contains("size=10G", ct.Rootfs);
        Assert.Equal("1", ct.ConfigValue("unprivileged"));
        Assert.Null(ct.Lock);
        Assert.Contains(OwnerMark(ready), ct.Description ?? "");
        Assert.Contains(ready.Status.IpAddresses!, a => ct.DhcpAddresses.Values.Any(lease => lease.StartsWith(a + "/", StringComparison.Ordinal)));

        // Exactly one create, for the allocated id, and nothing else written that a create does not need.
        Assert.Equal(1, simulator.Counters.LifecycleRequests(10001, "create"));
        Assert.Equal(1, simulator.Counters.Get("POST /nodes/{node}/lxc"));
        Assert.Equal(1, simulator.Counters.Tasks("vzcreate"));
        Assert.Equal(0, simulator.Counters.FailedTasks("vzcreate"));
        Assert.Equal(1, simulator.Counters.PowerActions(10001, "start"));
        Assert.Equal(0, simulator.Counters.Get("DELETE /nodes/{node}/lxc/{vmid}"));
        Assert.False(simulator.Cluster.GetContainer(10000)!.Running);

        var created = await WaitForEventAsync(harness, name, "Normal", Reasons.Created);
        Assert.Contains("10001", created.Message);

        // kubectl shows the allocated vmid in the VMID column.
        var (exit, table) = await harness.KubectlAsync("get", "lxc", name, "-n", harness.Namespace);
        Assert.Equal(0, exit);
        Assert.Contains("10001", table);
    }

    [Fact]
    public async Task Without_a_vmid_range_the_vmid_comes_from_pve_nextid_and_a_given_node_is_honoured()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2", "pve3");
        // nextid answers the lowest free id from 100: 100 and 101 are taken.
        simulator.Cluster.AddContainer(HandMadeContainer(100, "pve1", running: false));
        simulator.Cluster.AddContainer(HandMadeContainer(101, "pve1", running: false));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await CreateResourceAsync(harness, provider, "db", FromTemplate(more: s =>
        {
            s.Node = "pve2";
            s.PowerState = PowerState.Stopped;
        }));

        var ready = await harness.WaitForContainerAsync(name, "True", Reasons.Stopped, TimeSpan.FromSeconds(30));
        Assert.Equal(102, ready.Status.Vmid);
        Assert.Equal("pve2", ready.Status.Node);
        Assert.True(simulator.Counters.Get("GET /cluster/nextid") >= 1, "the vmid came from /cluster/nextid");
        var ct = simulator.Cluster.GetContainer(102);
        Assert.NotNull(ct);
        Assert.Equal("pve2", ct.Node);
        Assert.False(ct.Running);
        Assert.StartsWith("local-lvm:vm-102-disk-0,", ct.Rootfs);
        // rootfsSize defaults to 8Gi.
        Assert.Contains("size=8G", ct.Rootfs);
        Assert.Equal(1, simulator.Counters.LifecycleRequests(102, "create"));
        Assert.Equal(0, simulator.Counters.PowerActions(102, "start"));
    }
}
