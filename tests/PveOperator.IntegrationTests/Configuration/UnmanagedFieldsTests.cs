using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>Only the fields the spec sets are managed: nothing else is written, and a spec PVE already matches writes nothing.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class UnmanagedFieldsTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Adopting_a_container_whose_config_matches_a_one_line_spec_sends_no_write_at_all()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(370, running: true);
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);

        var name = await AdoptAsync(harness, provider, existing, s => s.Resources = new ContainerResources { Memory = "512Mi" });
        var synced = await WaitInSyncAsync(harness, name);

        Assert.True(Has(synced, ConditionTypes.RestartRequired, "False", NothingPending), "RestartRequired=False (NothingPending)");
        await Eventually.ConsistentlyAsync(() => Writes(simulator).Count == 0, "no POST, PUT or DELETE reaches PVE", TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Applying_one_field_leaves_every_other_key_as_PVE_had_it()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(371, running: false, description: "hand made");
        existing.SwapMb = 64;
        existing.Tags = "legacy";
        simulator.Cluster.AddContainer(existing);
        var before = simulator.Cluster.CurrentConfig(371)!;
        var provider = await harness.CreateProviderAsync(simulator);

        var name = await AdoptAsync(harness, provider, existing, s => s.Resources = new ContainerResources { Memory = "1Gi" });
        await WaitInSyncAsync(harness, name);
        var after = simulator.Cluster.CurrentConfig(371)!;

        Assert.Equal("1024", after["memory"]);
        Assert.Equal(before.Where(p => p.Key != "memory"), after.Where(p => p.Key != "memory"));
        Assert.Equal(1, simulator.Counters.Get(PutConfig));
    }
}
