using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>Another writer between the operator's read and its write: PVE's digest check refuses the write, the operator reads again and retries.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class DigestConflictTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task A_write_refused_for_a_changed_digest_is_retried_after_a_new_read()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(398, running: false);
        simulator.Cluster.AddContainer(existing);
        // Deterministic: the first PUT config finds tty changed by someone else since the operator read the digest.
        simulator.Faults.ChangeConfigBeforeNextWrite(398, new Dictionary<string, string?> { ["tty"] = "3" });
        var provider = await harness.CreateProviderAsync(simulator);

        var name = await AdoptAsync(harness, provider, existing, s => s.Resources = new ContainerResources { Memory = "1Gi" });
        var synced = await WaitInSyncAsync(harness, name);

        Assert.Equal(0, simulator.Faults.PendingConfigChangesBeforeWrite(398));
        Assert.Equal(2, simulator.Counters.Get(PutConfig));
        Assert.Equal(("1024", "3"), (Current(simulator, 398, "memory"), Current(simulator, 398, "tty")));
        Assert.False(Has(synced, ConditionTypes.Stalled, "True"), "not Stalled");
        Assert.Empty(await EventsAsync(harness, name, "Warning", "ConfigRejected"));
    }
}
