using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>spec.node of a managed container: a migration (restart mode for a running one).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class PlacementTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Changing_spec_node_migrates_a_running_container_which_ends_running_on_the_new_node()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(395, running: true);
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await AdoptAsync(harness, provider, existing, s =>
        {
            s.Node = "pve1";
            s.Resources = new ContainerResources { Memory = "512Mi" };
        });
        await WaitInSyncAsync(harness, name);

        await harness.PatchContainerSpecAsync(name, new { node = "pve2" });
        var moved = await harness.WaitForContainerAsync(name,
            c => IsReadyRunning(c) && c.Status?.Node == "pve2" && IsInSync(c), $"{name} runs on pve2", TimeSpan.FromSeconds(40));

        Assert.Equal(("pve2", true), (simulator.Cluster.GetContainer(395)!.Node, simulator.Cluster.GetContainer(395)!.Running));
        Assert.Equal(1, simulator.Counters.Get(PostMigrate));
        // PVE refuses a running CT's migration without restart (or online, which fails in the task): one task, ended well.
        Assert.Equal((1, 0), (simulator.Counters.Tasks("vzmigrate"), simulator.Counters.FailedTasks("vzmigrate")));
        Assert.Equal(0, simulator.Counters.PowerActions(395, "start"));
        Assert.True(moved.Status.Running);
        await WaitForEventAsync(harness, name, "Normal", "Migrated");
    }
}
