using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using Xunit.Abstractions;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>The pve-operator.io/paused annotation: condition Paused=True and nothing else, no PVE request about the container, until it goes.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class PausedTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    private static bool IsPaused(V1Alpha1LxcContainer c) => Condition(c, ConditionTypes.Paused) is { Status: "True", Reason: Reasons.Paused };

    [Fact]
    public async Task A_paused_resource_does_not_correct_drift_and_resumes_when_the_annotation_goes()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        simulator.Cluster.AddContainer(HandMadeContainer(190, "pve1", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await CreateResourceAsync(harness, provider, "held", s => s.Vmid = 190);
        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        await AnnotateAsync(harness, name, V1Alpha1LxcContainer.PausedAnnotation, "true");
        await harness.WaitForContainerAsync(name, IsPaused, "Paused=True (Paused)");

        // Someone stops the CT: a paused resource leaves it stopped and asks PVE nothing about it.
        var before = simulator.Counters.ContainerRequests(190);
        simulator.Cluster.SetContainerStatus(190, running: false);
        simulator.Cluster.RefreshResources();
        await Eventually.ConsistentlyAsync(
            () => simulator.Counters.ContainerRequests(190) == before && !simulator.Cluster.GetContainer(190)!.Running,
            "no request about CT 190 and it stays stopped while paused", TimeSpan.FromSeconds(4));
        Assert.Equal(0, simulator.Counters.PowerActions(190, "start"));
        Assert.Empty(Writes(simulator));

        await AnnotateAsync(harness, name, V1Alpha1LxcContainer.PausedAnnotation, null);
        var resumed = await harness.WaitForContainerAsync(name, c => Condition(c, ConditionTypes.Paused) is null && IsReadyRunning(c),
            "the Paused condition is gone and the CT is running again", TimeSpan.FromSeconds(30));
        Assert.True(resumed.Status.Running);
        Assert.Equal(1, simulator.Counters.PowerActions(190, "start"));
    }

    [Fact]
    public async Task A_resource_created_paused_allocates_and_creates_nothing_until_unpaused()
    {
        var simulator = await harness.StartSimulatorAsync(Options(), "pve1", "pve2");
        var provider = await harness.CreateProviderAsync(simulator, customize: p => p.Spec.VmidRange = new VmidRange { Min = 800, Max = 899 });
        await harness.WaitForProviderAsync(provider, "True");
        var name = await CreateResourceAsync(harness, provider, "later", FromTemplate(),
            new Dictionary<string, string> { [V1Alpha1LxcContainer.PausedAnnotation] = "true" });

        var paused = await harness.WaitForContainerAsync(name, IsPaused, "Paused=True (Paused)");
        await Eventually.ConsistentlyAsync(
            () => Writes(simulator).Count == 0 && simulator.Counters.Get("GET /cluster/nextid") == 0 && simulator.Cluster.Containers.Count == 0,
            "no create, no nextid, no container while paused", TimeSpan.FromSeconds(3));
        Assert.Null((await harness.GetContainerAsync(name)).Status.Vmid);
        Assert.Null(paused.Status.Operation);

        await AnnotateAsync(harness, name, V1Alpha1LxcContainer.PausedAnnotation, null);
        var ready = await harness.WaitForContainerAsync(name, c => Condition(c, ConditionTypes.Paused) is null && IsReadyRunning(c),
            "unpaused, the CT is created and running", TimeSpan.FromSeconds(30));
        Assert.Equal(800, ready.Status.Vmid);
        Assert.Equal(1, simulator.Counters.LifecycleRequests(800, "create"));
    }
}
