using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>Changes made in PVE behind the operator's back: seen in /cluster/resources at once, or at the next config refresh.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DriftCorrectionTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness? harness;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (harness is not null)
        {
            await harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task Memory_changed_in_PVE_is_corrected_from_the_cluster_snapshot_without_waiting_for_a_config_refresh()
    {
        // A config refresh far beyond this test: only /cluster/resources (maxmem) can show the change.
        harness = await OperatorHarness.StartAsync(controlPlane, output, Settings(TimeSpan.FromMinutes(10)));
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(360, running: true);
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await AdoptAsync(harness, provider, existing, s => s.Resources = new ContainerResources { Memory = "1Gi" });
        await WaitInSyncAsync(harness, name);

        await AdminEditAsync(simulator, 360, new Dictionary<string, object?> { ["memory"] = 2048, ["swap"] = 128 });
        await Eventually.TrueAsync(() => Current(simulator, 360, "memory") == "1024", "memory is set back to 1024 MiB", TimeSpan.FromSeconds(15));
        await WaitInSyncAsync(harness, name);

        // swap is not in the spec: what the admin set stays.
        Assert.Equal("128", Current(simulator, 360, "swap"));
        Assert.True(simulator.Cluster.GetContainer(360)!.Running);
    }

    [Fact]
    public async Task A_bridge_and_a_description_changed_in_PVE_are_corrected_at_the_next_config_refresh()
    {
        harness = await OperatorHarness.StartAsync(controlPlane, output, Settings(TimeSpan.FromSeconds(2)));
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(361, running: true, description: "web front end");
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await AdoptAsync(harness, provider, existing, s =>
        {
            s.Description = "web front end";
            s.Network = [new NetworkInterfaceSpec { Name = "eth0", Bridge = "vmbr0" }];
        });
        await WaitInSyncAsync(harness, name);
        var net0 = Current(simulator, 361, "net0")!;

        // Neither shows in /cluster/resources: only a read of the config finds them.
        await AdminEditAsync(simulator, 361, new Dictionary<string, object?>
        {
            ["net0"] = net0.Replace("bridge=vmbr0", "bridge=vmbr7", StringComparison.Ordinal),
            ["description"] = "edited in the GUI",
        });
        await Eventually.TrueAsync(
            () => NetOption(simulator, 361, "net0", "bridge") == "vmbr0" && Current(simulator, 361, "description") == "web front end",
            "the bridge and the description are set back within a refresh cycle", TimeSpan.FromSeconds(12));
        await WaitInSyncAsync(harness, name);

        Assert.Equal(net0, Current(simulator, 361, "net0"));
    }
}
