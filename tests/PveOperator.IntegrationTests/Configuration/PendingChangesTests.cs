using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Configuration.ConfigurationKit;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>Changes a running container takes only at its next start: RestartRequired, and the restart restartPolicy IfRequired makes.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class PendingChangesTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, Settings());

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Dns_on_a_running_container_waits_as_RestartRequired_until_IfRequired_restarts_it()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var existing = Existing(340, running: true);
        simulator.Cluster.AddContainer(existing);
        var provider = await harness.CreateProviderAsync(simulator);

        var name = await AdoptAsync(harness, provider, existing, s =>
            s.Dns = new DnsSpec { Nameservers = ["9.9.9.9", "1.1.1.1"], SearchDomain = "lan" });
        var waiting = await WaitConditionAsync(harness, name, ConditionTypes.RestartRequired, "True", PendingChanges);

        Assert.Contains("nameserver", Condition(waiting, ConditionTypes.RestartRequired)!.Message, StringComparison.Ordinal);
        Assert.Equal(["nameserver", "searchdomain"], (waiting.Status.PendingChanges ?? []).Order(StringComparer.Ordinal));
        Assert.True(Has(waiting, ConditionTypes.Ready, "True"), "Ready stays True while changes are pending");
        Assert.Equal(0, simulator.Counters.PowerActions(340, "reboot"));
        Assert.Null(Current(simulator, 340, "nameserver"));

        // IfRequired: the operator restarts it, and with it a pending feature change.
        await harness.PatchContainerSpecAsync(name, new { restartPolicy = "IfRequired", features = new { nesting = false } });
        var restarted = await harness.WaitForContainerAsync(name,
            c => Has(c, ConditionTypes.RestartRequired, "False", NothingPending) && IsInSync(c) && IsReadyRunning(c),
            $"{name} was restarted: RestartRequired=False, Synced, Ready", TimeSpan.FromSeconds(40));

        Assert.Equal(["1.1.1.1", "9.9.9.9"], (Current(simulator, 340, "nameserver") ?? "").Split(' ').Order(StringComparer.Ordinal));
        Assert.Equal("lan", Current(simulator, 340, "searchdomain"));
        Assert.Equal("nesting=0", Current(simulator, 340, "features"));
        Assert.True(simulator.Cluster.GetContainer(340)!.Running);
        Assert.Equal(1, simulator.Counters.PowerActions(340, "reboot"));
        Assert.Empty(restarted.Status.PendingChanges ?? []);
        await WaitForEventAsync(harness, name, "Normal", "Restarted");
    }
}
