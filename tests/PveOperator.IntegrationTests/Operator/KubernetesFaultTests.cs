using System.Diagnostics;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>The operator keeps its promises while Kubernetes itself misbehaves.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class KubernetesFaultTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task After_an_api_server_restart_nothing_that_changed_meanwhile_is_missed()
    {
        if (!controlPlane.CanRestart)
        {
            // xunit 2 cannot skip at run time; an existing cluster is not ours to restart.
            output.WriteLine("not run: the tests use an existing cluster");
            return;
        }

        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(new SimContainer { Vmid = 401, Node = "pve1", Name = "a", Running = true });
        simulator.Cluster.AddContainer(new SimContainer { Vmid = 402, Node = "pve2", Name = "b", Running = true });
        var provider = await harness.CreateProviderAsync(simulator);
        var drifted = await harness.CreateContainerAsync(provider, 401);
        var changed = await harness.CreateContainerAsync(provider, 402);
        await harness.WaitForContainerAsync(drifted, "True", Reasons.Running);
        await harness.WaitForContainerAsync(changed, "True", Reasons.Running);

        var outage = Stopwatch.StartNew();
        await controlPlane.RestartAsync(whileDown: async () =>
        {
            // While Kubernetes is away, someone stops a container in PVE.
            simulator.Cluster.SetContainerStatus(401, running: false);
            await Task.Delay(TimeSpan.FromSeconds(2));
        });
        output.WriteLine($"API server back after {outage.Elapsed.TotalSeconds:F1} s");

        // Right after it is back, before the operator's watch has necessarily reconnected, a spec changes.
        await harness.PatchContainerSpecAsync(changed, new { powerState = "Stopped" });
        var recovery = Stopwatch.StartNew();

        await harness.WaitForContainerAsync(changed, "True", Reasons.Stopped, TimeSpan.FromSeconds(60));
        await harness.WaitForContainerAsync(drifted, c => c.Status.Running == true && simulator.Cluster.GetContainer(401)!.Running,
            "the drift made during the outage is corrected", TimeSpan.FromSeconds(60));
        output.WriteLine($"both converged {recovery.Elapsed.TotalSeconds:F1} s after the restart");

        Assert.Equal(1, simulator.Counters.PowerActions(402, "shutdown"));
        Assert.Equal(1, simulator.Counters.PowerActions(401, "start"));
    }
}
