using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>hostname, tags, description, onBoot, startup and protection: fast-plug keys in PVE, applied at once even on a running container.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class OptionsConfigTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Hostname_tags_description_onboot_startup_and_protection_are_applied_in_place_on_a_stopped_and_a_running_container()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var stoppedCt = Existing(330, running: false);
        var runningCt = Existing(331, running: true);
        stoppedCt.Tags = "old";
        runningCt.Tags = "old";
        simulator.Cluster.AddContainer(stoppedCt);
        simulator.Cluster.AddContainer(runningCt);
        var provider = await harness.CreateProviderAsync(simulator);
        static void Configure(LxcContainerSpec s)
        {
            s.Hostname = $"web-{s.Vmid}";
            s.Tags = ["Web", "db"];
            s.Description = "front end\nmanaged by Kubernetes";
            s.OnBoot = true;
            s.Startup = new StartupSpec { Order = 3, UpDelay = "10s", DownDelay = "30s" };
            s.Protection = true;
        }

        var stopped = await AdoptAsync(harness, provider, stoppedCt, Configure);
        var running = await AdoptAsync(harness, provider, runningCt, Configure);
        await WaitInSyncAsync(harness, stopped);
        var synced = await WaitInSyncAsync(harness, running);

        foreach (var vmid in new[] { 330, 331 })
        {
            Assert.Equal($"web-{vmid}", Current(simulator, vmid, "hostname"));
            Assert.Equal("db;web", Current(simulator, vmid, "tags"));
            Assert.Equal("front end\nmanaged by Kubernetes", Current(simulator, vmid, "description"));
            Assert.Equal(("1", "1"), (Current(simulator, vmid, "onboot"), Current(simulator, vmid, "protection")));
            Assert.Equal(["down=30", "order=3", "up=10"], (Current(simulator, vmid, "startup") ?? "").Split(',').Order(StringComparer.Ordinal));
        }

        Assert.True(simulator.Cluster.GetContainer(331)!.Running);
        Assert.Empty(synced.Status.PendingChanges ?? []);
        // status.hostname follows PVE's name, which /cluster/resources reports after its next sample.
        await harness.WaitForContainerAsync(running, c => c.Status?.Hostname == "web-331", "status.hostname is the new name");
    }

    [Fact]
    public async Task An_empty_tag_list_removes_every_tag_with_PVEs_delete_parameter()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(332, running: true, description: "made by hand");
        existing.Tags = "a;b";
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);

        var name = await AdoptAsync(harness, provider, existing, s => s.Tags = []);
        await WaitInSyncAsync(harness, name);

        Assert.Null(Current(simulator, 332, "tags"));
        Assert.Equal("made by hand", Current(simulator, 332, "description"));
    }
}
