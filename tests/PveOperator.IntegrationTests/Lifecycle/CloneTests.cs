using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>Clones of a template container: full and linked, on the source's node; a linked clone of a non-template is refused without a request.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CloneTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private const int TemplateVmid = 9000;
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    /// <summary>A simulator whose template CT 9000 lives on pve2, the node with less free memory (so placement must follow the source).</summary>
    private async Task<(PveSimulatorServer Simulator, string Provider)> StartWithTemplateAsync()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        simulator.Cluster.AddContainer(TemplateContainer(TemplateVmid, "pve2"));
        var provider = await harness.CreateProviderAsync(simulator);
        await harness.WaitForProviderAsync(provider, "True");
        return (simulator, provider);
    }

    [Fact]
    public async Task A_full_clone_of_a_template_gets_its_own_disk_on_the_target_storage_and_runs()
    {
        var (simulator, provider) = await StartWithTemplateAsync();
        var name = await CreateResourceAsync(harness, provider, "full-copy", s =>
        {
            s.Vmid = 201;
            s.Create = new ContainerCreateSpec { Clone = new CloneSource { Vmid = TemplateVmid, Full = true }, Storage = "local-lvm" };
        });

        var ready = await harness.WaitForContainerAsync(name, c => IsReadyRunning(c) && HasDhcpAddress(c),
            "the full clone is Ready (Running) with a DHCP address", TimeSpan.FromSeconds(40));
        Assert.Equal(201, ready.Status.Vmid);
        Assert.Equal("pve2", ready.Status.Node);

        var clone = simulator.Cluster.GetContainer(201);
        Assert.NotNull(clone);
        Assert.Equal("pve2", clone.Node);
        Assert.False(clone.Template);
        Assert.True(clone.Running);
        Assert.Equal("full-copy", clone.Name);
        Assert.StartsWith("local-lvm:vm-201-disk-0,", clone.Rootfs);
        Assert.Contains(OwnerMark(ready), clone.Description ?? "");
        // A new MAC, so its own lease.
        Assert.DoesNotContain("BC:24:11:90:00:01", clone.ConfigValue("net0"), StringComparison.OrdinalIgnoreCase);

        AssertSourceUntouched(simulator);
        Assert.Equal(1, simulator.Counters.LifecycleRequests(201, "clone"));
        Assert.Equal(1, simulator.Counters.Tasks("vzclone"));
        Assert.Equal(0, simulator.Counters.FailedTasks("vzclone"));
        Assert.Equal(0, simulator.Counters.Get("POST /nodes/{node}/lxc"));
        await WaitForEventAsync(harness, name, "Normal", Reasons.Cloned);
    }

    [Fact]
    public async Task A_linked_clone_of_a_template_shares_its_base_volume_and_gets_an_allocated_vmid()
    {
        var (simulator, provider) = await StartWithTemplateAsync();
        var name = await CreateResourceAsync(harness, provider, "linked-copy", s =>
            s.Create = new ContainerCreateSpec { Clone = new CloneSource { Vmid = TemplateVmid, Full = false } });

        var ready = await harness.WaitForContainerAsync(name, c => IsReadyRunning(c) && HasDhcpAddress(c),
            "the linked clone is Ready (Running) with a DHCP address", TimeSpan.FromSeconds(40));
        // No vmidRange: /cluster/nextid's lowest free id.
        Assert.Equal(100, ready.Status.Vmid);
        Assert.Equal("pve2", ready.Status.Node);

        var clone = simulator.Cluster.GetContainer(100);
        Assert.NotNull(clone);
        Assert.Equal("pve2", clone.Node);
        Assert.False(clone.Template);
        Assert.Equal("linked-copy", clone.Name);
        Assert.StartsWith($"local-lvm:base-{TemplateVmid}-disk-0/vm-100-disk-0,", clone.Rootfs);
        Assert.Contains(OwnerMark(ready), clone.Description ?? "");

        AssertSourceUntouched(simulator);
        Assert.Equal(1, simulator.Counters.LifecycleRequests(100, "clone"));
        Assert.Equal(1, simulator.Counters.Tasks("vzclone"));
        Assert.Equal(0, simulator.Counters.FailedTasks("vzclone"));
        await WaitForEventAsync(harness, name, "Normal", Reasons.Cloned);
    }

    [Fact]
    public async Task A_linked_clone_of_a_container_that_is_not_a_template_is_stalled_and_sends_no_clone()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var source = HandMadeContainer(9100, "pve1", running: false);
        simulator.Cluster.AddContainer(source);
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await CreateResourceAsync(harness, provider, "bad-link", s =>
        {
            s.Vmid = 210;
            s.Create = new ContainerCreateSpec { Clone = new CloneSource { Vmid = 9100, Full = false } };
        });

        var stalled = await WaitForStalledAsync(harness, name, Reasons.LinkedCloneRequiresTemplate);
        Assert.Contains("template", Condition(stalled, ConditionTypes.Ready)!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("9100", Condition(stalled, ConditionTypes.Ready)!.Message);

        await Eventually.ConsistentlyAsync(
            () => simulator.Counters.Get("POST /nodes/{node}/lxc/{vmid}/clone") == 0 && simulator.Cluster.GetContainer(210) is null,
            "no clone request and no CT 210", TimeSpan.FromSeconds(3));
        Assert.Equal(0, simulator.Counters.Tasks("vzclone"));
        var untouched = simulator.Cluster.GetContainer(9100)!;
        Assert.Null(untouched.Lock);
        Assert.False(untouched.Template);
        Assert.False(untouched.Running);
        Assert.Empty(Writes(simulator));
    }

    private static void AssertSourceUntouched(PveSimulatorServer simulator)
    {
        var source = simulator.Cluster.GetContainer(TemplateVmid);
        Assert.NotNull(source);
        Assert.True(source.Template);
        Assert.Null(source.Lock);
        Assert.False(source.Running);
        Assert.Equal($"local-lvm:base-{TemplateVmid}-disk-0,size=8G", source.Rootfs);
        Assert.Equal("Debian 12 golden image", source.Description);
        Assert.Equal(0, simulator.Counters.LifecycleRequests(TemplateVmid, "destroy"));
        Assert.Equal(0, simulator.Counters.PowerActions(TemplateVmid, "start"));
    }
}
