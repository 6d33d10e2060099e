using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>managementPolicy ObserveOnly: status is kept, PVE is never written to, not even at deletion.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ObserveOnlyTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task An_observed_container_is_reported_but_never_written_to_not_even_when_spec_and_deletion_policy_say_otherwise()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        simulator.Cluster.AddContainer(HandMadeContainer(180, "pve1", running: true, description: "observed"));
        var provider = await harness.CreateProviderAsync(simulator);
        // Everything here would write in Full mode: Stopped (a shutdown), Delete (a mark now, a destroy at deletion).
        var name = await CreateResourceAsync(harness, provider, "watched", s =>
        {
            s.Vmid = 180;
            s.PowerState = PowerState.Stopped;
            s.DeletionPolicy = DeletionPolicy.Delete;
            s.ManagementPolicy = ManagementPolicy.ObserveOnly;
        });

        var observed = await harness.WaitForContainerAsync(name, "True", Reasons.ObserveOnly);
        Assert.True(observed.Status.Running);
        Assert.Equal("pve1", observed.Status.Node);
        Assert.Equal(180, observed.Status.Vmid);

        // Drift is observed, not corrected.
        simulator.Cluster.SetContainerStatus(180, running: false);
        simulator.Cluster.RefreshResources();
        await harness.WaitForContainerAsync(name, c => c.Status?.Running == false && Reason(c) == Reasons.ObserveOnly, "the stop is observed");
        simulator.Cluster.SetContainerStatus(180, running: true);
        simulator.Cluster.RefreshResources();
        await harness.WaitForContainerAsync(name, c => c.Status?.Running == true, "the start is observed");
        await Eventually.ConsistentlyAsync(() => Writes(simulator).Count == 0, "no POST, PUT or DELETE reaches PVE", TimeSpan.FromSeconds(3));
        Assert.Equal("observed", simulator.Cluster.GetContainer(180)!.Description);

        await harness.DeleteContainerAsync(name);
        await WaitGoneAsync(harness, name);
        Assert.True(simulator.Cluster.GetContainer(180) is { Running: true });
        Assert.Equal("observed", simulator.Cluster.GetContainer(180)!.Description);
        Assert.True(Writes(simulator).Count == 0, $"writes: {Describe(Writes(simulator))}");

        // "Status is kept" includes the addresses, as for an adopted container in Full mode.
        Assert.Contains("192.168.7.180", observed.Status.IpAddresses ?? []);
    }

    [Fact]
    public async Task An_observed_resource_with_a_create_section_creates_nothing()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.VmidRange = new VmidRange { Min = 700, Max = 799 });
        var name = await CreateResourceAsync(harness, provider, "observed-create", FromTemplate(more: s =>
        {
            s.Vmid = 181;
            s.ManagementPolicy = ManagementPolicy.ObserveOnly;
        }));

        await harness.WaitForContainerAsync(name, c => Condition(c, ConditionTypes.Ready) is { Status: "False" } ready && ready.ObservedGeneration == c.Metadata.Generation,
            "the resource is observed (Ready=False: the CT does not exist)");
        await Eventually.ConsistentlyAsync(() => Writes(simulator).Count == 0 && simulator.Cluster.Containers.Count == 0,
            "no write and no container", TimeSpan.FromSeconds(3));
        Assert.Equal(0, simulator.Counters.LifecycleRequests(181, "create"));
        Assert.NotEqual(Reasons.ObserveOnly, Reason(await harness.GetContainerAsync(name)));
    }
}
