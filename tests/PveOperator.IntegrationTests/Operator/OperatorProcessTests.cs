using System.Diagnostics;
using System.Net;
using k8s;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>The operator as a separate process: leader election, probes, metrics, and surviving a SIGKILL.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class OperatorProcessTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<OperatorProcess> processes = [];
    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output, inProcessOperator: false);

    public async Task DisposeAsync()
    {
        await harness.DisposeAsync();
        foreach (var process in processes)
        {
            output.WriteLine($"--- operator {process.Pid} output ---\n{process.Output}");
            await process.DisposeAsync();
        }
    }

    private string? kubeconfig;

    /// <summary>Starts an operator process authenticated as its own ServiceAccount, bound only to config/rbac.</summary>
    private async Task<OperatorProcess> StartAsync(params string[] arguments)
    {
        kubeconfig ??= await harness.OperatorKubeconfigAsync();
        var process = OperatorProcess.Start(kubeconfig, ["--secret-namespace", harness.Namespace, .. arguments]);
        processes.Add(process);
        return process;
    }

    private static SimContainer Stopped(int vmid) => new() { Vmid = vmid, Node = "pve1", Name = $"ct{vmid}", Running = false };

    [Fact]
    public async Task Metrics_and_probes_answer_after_a_reconcile()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Stopped(301));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 301);
        var process = await StartAsync();

        await harness.WaitForContainerAsync(name, "True", Reasons.Running);

        Assert.Equal((HttpStatusCode.OK, "ok"), await process.GetAsync(process.ProbePort, "/healthz"));
        Assert.Equal((HttpStatusCode.OK, "ok"), await process.GetAsync(process.ProbePort, "/readyz"));
        var metrics = await process.ScrapeAsync();
        foreach (var (metric, labels) in new (string, string[])[]
                 {
                     ("controller_runtime_reconcile_total", ["controller=\"lxccontainer\""]),
                     ("controller_runtime_reconcile_total", ["controller=\"proxmoxprovider\""]),
                     ("controller_runtime_reconcile_time_seconds_count", ["controller=\"lxccontainer\""]),
                     ("workqueue_adds_total", []),
                     ("pve_api_requests_total", ["endpoint=\"GET /cluster/resources\"", "code=\"200\""]),
                     ("pve_api_requests_total", ["endpoint=\"POST /nodes/{node}/lxc/{vmid}/status/start\""]),
                     ("pve_api_request_duration_seconds_count", []),
                     ("pve_containers", [$"provider=\"{provider}\"", "state=\"running\""]),
                 })
        {
            Assert.True(OperatorProcess.Sum(metrics, metric, labels) > 0, $"{metric}{{{string.Join(',', labels)}}} should be above zero");
        }

        foreach (var present in new[] { "controller_runtime_reconcile_errors_total", "workqueue_depth", "workqueue_retries_total", "controller_runtime_active_workers" })
        {
            Assert.Contains(present, metrics);
        }

        // SIGTERM ends the process cleanly, as a pod's shutdown does.
        Assert.Equal(0, await process.StopAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task With_two_replicas_only_the_leader_reconciles_and_the_other_takes_over_when_it_dies()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(Stopped(302));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 302);
        // The Lease lives where config/rbac allows it, under a name of this test's own.
        string[] flags = ["--leader-elect", "--leader-election-namespace", OperatorIdentity.ServiceAccountNamespace, "--leader-election-id", $"lease-{harness.Namespace}"];
        var first = await StartAsync(flags);
        var second = await StartAsync(flags);

        await harness.WaitForContainerAsync(name, "True", Reasons.Running);
        var reconciles = new Dictionary<OperatorProcess, double>();
        foreach (var replica in new[] { first, second })
        {
            reconciles[replica] = OperatorProcess.Sum(await replica.ScrapeAsync(), "controller_runtime_reconcile_total");
            // Followers serve probes too, and are ready once their caches are synced.
            Assert.Equal(HttpStatusCode.OK, (await replica.GetAsync(replica.ProbePort, "/readyz")).Status);
        }

        var leader = reconciles.Single(p => p.Value > 0).Key;
        var follower = reconciles.Single(p => p.Value == 0).Key;
        Assert.Equal(1, simulator.Counters.PowerActions(302, "start"));

        var leaseName = $"lease-{harness.Namespace}";
        var holderBefore = (await harness.Kube.CoordinationV1.ReadNamespacedLeaseAsync(leaseName, OperatorIdentity.ServiceAccountNamespace)).Spec.HolderIdentity;
        await leader.KillAsync();
        await harness.PatchContainerSpecAsync(name, new { powerState = "Stopped" });

        // The follower may take the Lease only once it has expired by its own clock: the lease duration (15 s) after it
        // last saw the holder renew, which it sees only when it polls (every retry period, 2 s, so up to 2 s late), plus
        // up to one more retry period until it tries again: at most 15 + 2 + 2 s. How long it took is a figure for bench/.
        await Eventually.TrueAsync(async () =>
            (await harness.Kube.CoordinationV1.ReadNamespacedLeaseAsync(leaseName, OperatorIdentity.ServiceAccountNamespace)).Spec.HolderIdentity
                is { Length: > 0 } holder && holder != holderBefore,
            "the follower holds the Lease", TimeSpan.FromSeconds(30));

        await harness.WaitForContainerAsync(name, "True", Reasons.Stopped, TimeSpan.FromSeconds(40));
        Assert.True(OperatorProcess.Sum(await follower.ScrapeAsync(), "controller_runtime_reconcile_total") > 0);
        Assert.Equal(1, simulator.Counters.PowerActions(302, "shutdown"));
    }

    [Fact]
    public async Task An_operator_killed_while_a_task_runs_resumes_it_without_sending_it_again()
    {
        var simulator = await harness.StartSimulatorAsync(new SimulatorOptions
        {
            TaskDuration = TimeSpan.FromSeconds(6),
            ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500),
        });
        simulator.Cluster.AddContainer(Stopped(303));
        var provider = await harness.CreateProviderAsync(simulator);
        var name = await harness.CreateContainerAsync(provider, 303);
        var first = await StartAsync();

        // The operation is written before the POST and its UPID after the answer: wait for the UPID.
        var pending = await harness.WaitForContainerAsync(name, c => c.Status.Operation?.Upid is not null, "the start task is recorded");
        await first.KillAsync();
        Assert.False(simulator.Cluster.GetContainer(303)!.Running);
        Assert.StartsWith("UPID:pve1:", pending.Status.Operation!.Upid);

        await StartAsync();
        var container = await harness.WaitForContainerAsync(name, "True", Reasons.Running, TimeSpan.FromSeconds(30));

        Assert.Null(container.Status.Operation);
        Assert.Equal(1, simulator.Counters.PowerActions(303, "start"));
    }
}
