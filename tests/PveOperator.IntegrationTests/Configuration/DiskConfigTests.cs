using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>rootfs and mount points: grown with resize tasks, new mount points created by PUT config, never shrunk.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DiskConfigTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task The_rootfs_grows_and_a_new_mount_point_is_created_on_a_stopped_and_a_running_container()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var stoppedCt = Existing(350, running: false);
        var runningCt = Existing(351, running: true);
        simulator.Cluster.AddContainer(stoppedCt);
        simulator.Cluster.AddContainer(runningCt);
        var provider = await harness.CreateProviderAsync(simulator);
        static void Disks(LxcContainerSpec s)
        {
            s.Rootfs = new RootfsSpec { Size = "10Gi" };
            s.MountPoints = [new MountPointSpec { Name = "mp0", Storage = "local-lvm", Size = "4Gi", Path = "/data", Backup = true }];
        }

        var stopped = await AdoptAsync(harness, provider, stoppedCt, Disks);
        var running = await AdoptAsync(harness, provider, runningCt, Disks);
        await WaitInSyncAsync(harness, stopped);
        var synced = await WaitInSyncAsync(harness, running);

        foreach (var vmid in new[] { 350, 351 })
        {
            Assert.Equal($"local-lvm:vm-{vmid}-disk-0,size=10G", Current(simulator, vmid, "rootfs"));
            Assert.Equal($"local-lvm:vm-{vmid}-disk-1,mp=/data,backup=1,size=4G", Current(simulator, vmid, "mp0"));
        }

        Assert.True(simulator.Counters.Tasks("resize") >= 2, $"resize tasks: {simulator.Counters.Tasks("resize")}");
        Assert.Equal(0, simulator.Counters.FailedTasks("resize"));
        Assert.True(simulator.Cluster.GetContainer(351)!.Running);
        Assert.Empty(synced.Status.PendingChanges ?? []);
        await WaitForEventAsync(harness, running, "Normal", "Resized");

        // Growing the mount point later is a resize of mp0.
        await harness.PatchContainerSpecAsync(running, new { mountPoints = new[] { new { name = "mp0", storage = "local-lvm", size = "6Gi", path = "/data", backup = true } } });
        await harness.WaitForContainerAsync(running, c => IsInSync(c) && Current(simulator, 351, "mp0")!.EndsWith(",size=6G", StringComparison.Ordinal), "mp0 grew to 6G");
    }

    [Fact]
    public async Task A_smaller_size_is_refused_as_CannotShrink_and_no_resize_is_sent()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(352, running: false);
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await AdoptAsync(harness, provider, existing, s => s.Rootfs = new RootfsSpec { Size = "8Gi" });
        await WaitInSyncAsync(harness, name);

        // The CRD's CEL rule refuses this on newer API servers; the 1.20 one used here accepts it.
        await harness.PatchContainerSpecAsync(name, new { rootfs = new { size = "4Gi" } });
        var refused = await WaitConditionAsync(harness, name, ConditionTypes.Synced, "False", CannotShrink);

        Assert.True(Has(refused, ConditionTypes.Ready, "False"), "Ready=False");
        Assert.True(Has(refused, ConditionTypes.Stalled, "True", CannotShrink), "Stalled=True (CannotShrink)");
        Assert.NotNull(Drift(refused, "rootfs.size"));
        await Eventually.ConsistentlyAsync(() => simulator.Counters.Get(PutResize) == 0, "no resize reaches PVE", TimeSpan.FromSeconds(2));
        Assert.Equal("local-lvm:vm-352-disk-0,size=8G", Current(simulator, 352, "rootfs"));
    }
}
